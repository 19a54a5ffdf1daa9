#!/bin/sh
# ECR login for the Image Updater (its `ext:` credential source, charts/argocd-image-updater.ts):
# prints `AWS:<password>`, the `username:password` such a script must print. AWS credentials come
# from the pod's IRSA role; AWS_REGION is set on the container by the chart values.
set -eu
# The root filesystem is read-only; the aws CLI needs a writable home.
export HOME=/tmp
aws ecr get-authorization-token --region "$AWS_REGION" --output text --query 'authorizationData[0].authorizationToken' | base64 -d
