// EPUBCheck for a whole test session in one JVM (a JVM start costs seconds, a book a fraction of one).
// Reads "BOOK.epub<TAB>REPORT.json" lines on stdin; checks each book, writes its JSON report, and
// answers "done <exit code>" on stdout. Ends at end of input. Tests only: see tests/conftest.py.
import java.io.BufferedReader;
import java.io.InputStreamReader;

public class EpubcheckServer {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.split("\t");
            int code;
            try {
                code = new com.adobe.epubcheck.tool.EpubChecker().run(new String[] {parts[0], "-q", "--json", parts[1]});
            } catch (Exception e) {
                code = 99;
            }
            System.out.println("done " + code);
            System.out.flush();
        }
    }
}
