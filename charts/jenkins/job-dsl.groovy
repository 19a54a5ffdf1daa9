// Job DSL, run by JCasC's `jobs` (charts/jenkins.ts): the pipeline job, defined by the Jenkinsfile
// mounted from its content-named ConfigMap. JCasC replaces ${BUILD_JOB} and ${PIPELINE_FILE} with
// the controller's environment variables before Job DSL runs the script.
pipelineJob('${BUILD_JOB}') {
  description('Builds, tests, scans and pushes the django-todo image (from django-todo/Jenkinsfile).')
  definition {
    cps {
      script(new File('${PIPELINE_FILE}').text)
      sandbox(true)
    }
  }
}
