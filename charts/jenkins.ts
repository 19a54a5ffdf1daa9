import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import { IMAGE_UPDATER_GIT } from '../config/argocd';
import { sonarqubeEndpoint } from '../config/endpoints';
import { contract, hostName } from '../config/contract';
import { ecrRegistryHost, parseImageRef } from '../config/image-ref';
import { BOOTSTRAP_IMAGE_TAG, images, type ImageName } from '../config/images';
import { sonarqubeAnalysis } from '../config/sonarqube-analysis';
import type { EnvironmentConfig, Resources } from '../config/types';
import { AddonChart } from './lib/addon-chart';
import { AlbIngress } from './lib/alb-ingress';
import { FileConfigMap, readRepoFile } from './lib/file-config-map';
import { IrsaServiceAccount } from './lib/irsa-service-account';
import { resourceValues } from './lib/resources';
import { SsmSecret } from './lib/ssm-secret';
import { UpstreamChart } from './lib/upstream-chart';
import type { JenkinsValues } from '../imports/values/jenkins';

/** The build pipeline, kept as a real file next to the app it builds. */
const JENKINSFILE = 'django-todo/Jenkinsfile';
/** JCasC documents and Groovy beside this chart; they read the controller's environment (`controllerEnv`). */
export const JENKINS_FILES = {
  sonarqube: 'charts/jenkins/casc-sonarqube.yaml',
  credentials: 'charts/jenkins/casc-credentials.yaml',
  jobDsl: 'charts/jenkins/job-dsl.groovy',
  triggerBuild: 'charts/jenkins/trigger-build.groovy',
} as const;

const JENKINS_RELEASE = 'jenkins';
/** The chart's controller Service (release name) and its port (the chart's default `controller.servicePort`). */
const JENKINS_SERVICE = JENKINS_RELEASE;
const JENKINS_PORT = 8080;
const BUILD_JOB = 'build-django';
/** Where the pipeline ConfigMap is mounted in the controller. */
const PIPELINE_DIR = '/var/jenkins_home/pipelines';
const PIPELINE_KEY = 'Jenkinsfile';

/** Secrets produced by External Secrets; agents only see the pipeline one (seed J2). */
const JENKINS_ADMIN_SECRET = 'jenkins-admin';
const JENKINS_GITHUB_SECRET = 'jenkins-github';
const JENKINS_PIPELINE_SECRET = 'jenkins-pipeline';
/** The Jenkins credential (JCasC) with the GitHub user and token; the pipeline checks out with it. */
const GITHUB_CREDENTIAL_ID = 'github';
/** The controller's own ServiceAccount (Kubernetes API access for agents, no AWS). */
const JENKINS_CONTROLLER_SA = 'jenkins-controller';
/** The agents' IRSA ServiceAccount (ECR push for kaniko, ECR describe for the aws container). */
const JENKINS_AGENT_SA = 'jenkins';

/**
 * Plugins, pinned (seed J3: everything floated on `latest`). Versions are the seed's hints where it
 * had them; the rest were chosen for Jenkins 2.462 (the chart's controller). The seed's ansible,
 * docker-workflow and pipeline-aws are dropped: the pipeline no longer uses them.
 */
export const JENKINS_PLUGINS: readonly string[] = [
  'kubernetes:4203.v1dd44f5b_1cf9',
  'workflow-aggregator:596.v8c21c963d92d',
  'git:5.2.1',
  'configuration-as-code:1775.v810dc950b_514',
  'credentials:1337.v60b_d7b_c7b_c9f',
  'job-dsl:1.87',
  'sonar:2.17.2',
  'github:1.40.0',
  'pipeline-utility-steps:2.17.0',
  'pipeline-stage-view:2.34',
];

/** Splits a pinned image for the chart's `repository` / `tag` fields (a digest rides on the tag). */
function chartImage(name: ImageName): { repository: string; tag: string } {
  const ref = parseImageRef(images[name]);
  const tag = [ref.tag, ref.digest].filter((x) => x !== undefined).join('@');
  return { repository: `${ref.registry}/${ref.repository}`, tag };
}

/**
 * Jenkins (chart 5.5.12): controller and agents on the cicd pool. Everything is configured as code:
 * the `build-django` pipeline job (from django-todo/Jenkinsfile, mounted from a ConfigMap whose name
 * carries the content hash, J5), the SonarQube server and scanner, the GitHub credential, and the
 * agent pod template `default` with the containers the Jenkinsfile uses.
 *
 * - Admin login from SSM through `controller.admin.existingSecret`; no password is rendered, so the
 *   output is deterministic and holds no secret.
 * - GitHub user and token from SSM, the right way round (J1), as the Jenkins credential `github`
 *   (read by JCasC from the mounted Secret); agents get only what the pipeline reads (J2).
 * - The controller runs as `jenkins-controller` (API access to start agents, no AWS); agents run
 *   as the IRSA account `jenkins` (ECR push for kaniko).
 */
export class Jenkins extends AddonChart {
  static readonly app = 'jenkins';
  static readonly dependsOn = ['external-secrets', 'aws-load-balancer-controller', 'sonarqube'] as const;

  /** Name of the pipeline ConfigMap (content-hashed). */
  readonly pipelineConfigMap: string;

  constructor(scope: Construct, env: EnvironmentConfig) {
    const django = env.apps.django;
    const registry = ecrRegistryHost(env.aws.accountId, env.aws.region);
    const controller = { kind: 'StatefulSet', name: JENKINS_RELEASE };
    super(scope, {
      env,
      app: Jenkins.app,
      podSecurity: { level: 'baseline', reason: 'the build agents the Kubernetes plugin starts here run kaniko as root to build images' },
      runtimeNeeds: [{
        by: controller,
        needs: { kind: 'Service', name: sonarqubeEndpoint.service, namespace: contract.sonarqube.namespace, port: sonarqubeEndpoint.port },
        reason: 'the pipeline\'s SonarQube analysis',
        // django-todo/scripts/sonar-token.sh: SONAR_WAIT_SECONDS.
        whileMissing: 'the analysis stage waits up to 30 minutes for SonarQube to accept the analysis user its setup Job creates, so the start-up build still pushes the first image; past that the build fails and the next push runs it again',
      }],
      publishes: [{
        by: controller,
        image: `${registry}/${django.repository}`,
        tags: [BOOTSTRAP_IMAGE_TAG],
        tagPattern: '[0-9a-f]{40}',
        when: `the ${BUILD_JOB} pipeline (its first build is scheduled when Jenkins starts)`,
      }],
    });
    const settings = env.apps.jenkins;

    const { admin, github, pipeline } = this.secrets();
    const agentSa = new IrsaServiceAccount(this, 'AgentServiceAccount', { app: 'jenkins', name: JENKINS_AGENT_SA });

    this.pipelineConfigMap = new FileConfigMap(this, 'PipelineScript', {
      namePrefix: 'jenkins-pipeline',
      file: JENKINSFILE,
      purpose: 'the build-django job is created from it',
      key: PIPELINE_KEY,
      labels: { 'app.kubernetes.io/part-of': 'jenkins' },
    }).name;

    new UpstreamChart(this, 'Chart', {
      chart: 'jenkins',
      release: JENKINS_RELEASE,
      values: {
        controller: this.controllerValues(env, admin.secretName, github.secretName),
        persistence: {
          enabled: true,
          storageClass: 'gp3',
          size: `${settings.storageGi}Gi`,
          accessMode: 'ReadWriteOnce',
          volumes: [{ name: 'jenkins-pipeline', configMap: { name: this.pipelineConfigMap } }],
          mounts: [{ name: 'jenkins-pipeline', mountPath: PIPELINE_DIR, readOnly: true }],
        },
        serviceAccount: { create: true, name: JENKINS_CONTROLLER_SA },
        serviceAccountAgent: { create: false, name: agentSa.name },
        agent: this.agentValues(env, pipeline.secretName),
      },
    });

    new AlbIngress(this, 'Ingress', {
      app: 'jenkins',
      host: 'ui',
      name: 'jenkins',
      backend: { service: JENKINS_SERVICE, port: JENKINS_PORT },
      healthCheckPath: '/login',
      successCodes: '200,307',
    });
  }

  /** The Secrets from SSM: admin login, GitHub user and token, and what the pipeline reads. */
  private secrets(): { admin: SsmSecret<'jenkins'>; github: SsmSecret<'jenkins'>; pipeline: SsmSecret<'jenkins'> } {
    const admin = new SsmSecret(this, 'Admin', {
      app: 'jenkins',
      name: JENKINS_ADMIN_SECRET,
      keys: { 'jenkins-admin-user': 'admin_username', 'jenkins-admin-password': 'admin_password' },
    });
    const github = new SsmSecret(this, 'Github', {
      app: 'jenkins',
      name: JENKINS_GITHUB_SECRET,
      keys: { username: 'github_username', token: 'github_token' },
    });
    const pipeline = new SsmSecret(this, 'Pipeline', {
      app: 'jenkins',
      name: JENKINS_PIPELINE_SECRET,
      keys: { SONAR_ANALYSIS_PASSWORD: 'sonarqube/analysis_password' },
    });
    return { admin, github, pipeline };
  }

  /**
   * The controller: on the cicd pool, admin from SSM, pinned plugins, the JCasC documents and the
   * start-up build (charts/jenkins/), and the environment they read.
   */
  private controllerValues(env: EnvironmentConfig, adminSecret: string, githubSecret: string): JenkinsValues['controller'] {
    const settings = env.apps.jenkins;
    const casc = {
      'job-dsl': stringify({ jobs: [{ script: readRepoFile(JENKINS_FILES.jobDsl, 'the build-django job') }] }, { blockQuote: 'literal', lineWidth: 0 }),
      sonarqube: readRepoFile(JENKINS_FILES.sonarqube, 'the SonarQube server and scanner'),
      credentials: readRepoFile(JENKINS_FILES.credentials, 'the GitHub credential'),
    };
    // What the JCasC documents and the init script read from the controller's environment.
    const controllerEnv: Record<string, string> = {
      SONAR_HOST_URL: sonarqubeEndpoint.url,
      GITHUB_CREDENTIAL_ID,
      BUILD_JOB,
      PIPELINE_FILE: `${PIPELINE_DIR}/${PIPELINE_KEY}`,
    };

    return {
      nodeSelector: this.nodeSelector('cicd'),
      resources: resourceValues(settings.controllerResources),
      javaOpts:
        '-Xms512m -Xmx1536m -Dorg.csanchez.jenkins.plugins.kubernetes.clients.cacheExpiration=60 -Dhudson.model.UsageStatistics.disabled=true',
      serviceType: 'ClusterIP',
      jenkinsUrl: `https://${hostName(env.domain, 'jenkins', 'ui')}`,
      // existingSecret with createSecret: the chart renders no Secret but still mounts this one.
      admin: { existingSecret: adminSecret, userKey: 'jenkins-admin-user', passwordKey: 'jenkins-admin-password', createSecret: true },
      additionalExistingSecrets: [
        { name: githubSecret, keyName: 'username' },
        { name: githubSecret, keyName: 'token' },
      ],
      installPlugins: [...JENKINS_PLUGINS],
      installLatestPlugins: false,
      installLatestSpecifiedPlugins: false,
      JCasC: { defaultConfig: true, overwriteConfiguration: false, configScripts: casc },
      initScripts: { triggerBuildDjango: readRepoFile(JENKINS_FILES.triggerBuild, 'the start-up build') },
      containerEnv: Object.entries(controllerEnv).map(([name, value]) => ({ name, value })),
      ingress: { enabled: false },
    };
  }

  /** The agent pod template `default`: the containers and environment the Jenkinsfile uses. */
  private agentValues(env: EnvironmentConfig, pipelineSecret: string): JenkinsValues['agent'] {
    const settings = env.apps.jenkins;
    const django = env.apps.django;
    const registry = ecrRegistryHost(env.aws.accountId, env.aws.region);
    const pipelineEnv: Record<string, string> = {
      REPO_URL: env.git.repoUrl,
      GIT_CREDENTIALS_ID: GITHUB_CREDENTIAL_ID,
      GIT_BRANCH_NAME: env.git.revision,
      APP_DIR: 'django-todo',
      ECR_REPO: `${registry}/${django.repository}`,
      ECR_REPO_NAME: django.repository,
      BOOTSTRAP_TAG: BOOTSTRAP_IMAGE_TAG,
      AWS_REGION: env.aws.region,
      PYTHON_IMAGE: images.python, // the image's base, pinned by digest; the Test stage runs in it too
      SONAR_HOST_URL: sonarqubeEndpoint.url,
      SONAR_PROJECT_KEY: sonarqubeAnalysis.projectKey,
      SONAR_ANALYSIS_USER: sonarqubeAnalysis.user,
      SKIP_COMMIT_AUTHOR: IMAGE_UPDATER_GIT.user,
      // For the postgres container (pod-level env reaches every container; the others ignore it).
      POSTGRES_HOST_AUTH_METHOD: 'trust',
    };
    const sleeper = (name: string, image: ImageName, r: Resources) => ({
      sideContainerName: name,
      image: chartImage(image),
      command: 'sleep',
      args: '99999999',
      privileged: false,
      TTYEnabled: true,
      resources: resourceValues(r),
    });
    const small = (cpu: string, memory: string, limitMemory: string): Resources => ({
      requests: { cpu, memory },
      limits: { cpu: '1', memory: limitMemory },
    });

    return {
      podName: 'default',
      namespace: this.namespace,
      nodeSelector: this.nodeSelector('cicd'),
      useDefaultServiceAccount: true,
      args: '',
      defaultsProviderTemplate: '',
      workingDir: '/home/jenkins/agent',
      nodeUsageMode: 'NORMAL',
      TTYEnabled: true,
      privileged: false,
      websocket: true,
      directConnection: false,
      customJenkinsLabels: ['ci-cd'],
      yamlMergeStrategy: 'merge',
      garbageCollection: { enabled: true, namespaces: this.namespace, timeout: 300 },
      resources: resourceValues(settings.agentResources),
      additionalContainers: [
        sleeper('kaniko', 'kaniko', settings.agentResources),
        sleeper('aws', 'awsCli', small('50m', '128Mi', '512Mi')),
        sleeper('python', 'python', small('250m', '512Mi', '1Gi')),
        {
          sideContainerName: 'postgres',
          image: chartImage('postgres'),
          args: '',
          privileged: false,
          resources: resourceValues(small('100m', '256Mi', '512Mi')),
        },
      ],
      // Values are quoted: the chart writes them unquoted into the JCasC YAML.
      envVars: Object.entries(pipelineEnv).map(([name, value]) => ({ name, value: JSON.stringify(value) })),
      secretEnvVars: [{ key: 'SONAR_ANALYSIS_PASSWORD', secretName: pipelineSecret, secretKey: 'SONAR_ANALYSIS_PASSWORD', optional: false }],
    };
  }
}
