/**
 * How the pipeline analyses the app in SonarQube: a project and a user of their own. SonarQube's
 * setup Job (charts/sonarqube/setup.sh) creates both and grants the user the project's analysis and
 * browse permissions only; Jenkins' agents sign in as that user (password: SSM
 * `sonarqube/analysis_password`) to mint a token for one build. Declared here because both the
 * sonarqube and the jenkins chart use it.
 */
export const sonarqubeAnalysis = {
  /** A local SonarQube user, not an administrator. */
  user: 'jenkins-analysis',
  /** The project the pipeline analyses (sonar.projectKey). */
  projectKey: 'django_todo_project',
  /** The project's display name. */
  projectName: 'django-todo',
} as const;
