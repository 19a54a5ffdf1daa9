// Parses each Groovy file named on the command line (syntax and AST only: no classes are resolved,
// so Jenkins' classes need not be here). Prints one line per file that does not parse; exit 1 then.
import org.codehaus.groovy.control.CompilationFailedException
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.Phases

def failed = 0
for (path in args) {
  def unit = new CompilationUnit()
  unit.addSource(new File(path))
  try {
    unit.compile(Phases.CONVERSION)
  } catch (CompilationFailedException e) {
    println("${path}: ${e.message.readLines().findAll { it.trim() }.join(' ')}")
    failed++
  }
}
System.exit(failed == 0 ? 0 : 1)
