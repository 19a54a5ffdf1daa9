/**
 * Container images our own objects use (upstream charts pin theirs). Tags are pinned; a digest
 * may be appended as `name:tag@sha256:...`. `latest` and untagged references fail at load.
 */
export const images = {
  /** nginx in front of gunicorn, unprivileged variant (listens on 8080, runs as uid 101). */
  nginx: 'docker.io/nginxinc/nginx-unprivileged:1.27.0-alpine',
  /** Creates self-signed webhook certificates and patches caBundles (hook Jobs, no cert-manager needed). */
  webhookCertgen: 'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.3',
  /** curl for hook Jobs that call HTTP APIs. */
  curl: 'docker.io/curlimages/curl:8.10.1',
  /** kaniko for image builds in Jenkins agents (debug variant: has a shell for the pipeline). */
  kaniko: 'gcr.io/kaniko-project/executor:v1.23.2-debug',
  /** AWS CLI for the pipeline's ECR queries. */
  awsCli: 'public.ecr.aws/aws-cli/aws-cli:2.17.20',
  /**
   * Python for django-todo: the base of its image (the pipeline passes it as the PYTHON_IMAGE
   * build arg) and the pipeline's test container, so the tests run on the interpreter that ships.
   * 3.11, the CPython whose wheels requirements.txt is hash-locked to.
   */
  python: 'docker.io/library/python:3.11.10-slim-bookworm@sha256:840e180ebcc6e5c8efab209c43f5e40fd2af98cb49db5c7103c90539c56bb30e',
  /** PostgreSQL sidecar for the pipeline's test stage. */
  postgres: 'docker.io/library/postgres:16.4-alpine',
} as const;

export type ImageName = keyof typeof images;

/**
 * The tag the django-todo pipeline's first build pushes besides the commit SHA (ECR tags are
 * immutable, so it is pushed once and never moves). A new environment starts from it: the
 * registry is empty until that build, and the Image Updater pins a commit tag after it.
 */
export const BOOTSTRAP_IMAGE_TAG = 'bootstrap';
