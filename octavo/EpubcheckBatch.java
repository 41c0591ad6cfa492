// Runs EPUBCheck on many books in one JVM (each JVM start costs seconds).
// Usage: java -cp epubcheck.jar EpubcheckBatch.java BOOK.epub REPORT.json [BOOK.epub REPORT.json ...]
public class EpubcheckBatch {
    public static void main(String[] args) throws Exception {
        int worst = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String[] one = {args[i], "-q", "--json", args[i + 1]};
            worst = Math.max(worst, new com.adobe.epubcheck.tool.EpubChecker().run(one));
        }
        System.exit(worst);
    }
}
