// Init script (charts/jenkins.ts): one build of the pipeline job at start-up, so that the job's
// pollSCM trigger gets registered (a declarative trigger takes effect on the first run; seed J8). BUILD_JOB is the controller's environment.
import hudson.model.Cause
import hudson.model.CauseAction
import jenkins.model.Jenkins

def name = System.getenv('BUILD_JOB')
def job = Jenkins.get().getItemByFullName(name)
if (job == null) {
  println("${name}: job not found, no start-up build")
} else {
  Jenkins.get().getQueue().schedule2(job, 0, new CauseAction(new Cause.UserIdCause()))
  println("${name}: start-up build scheduled")
}
