#!/usr/bin/env bash
# Prints the digest of ECR_REPO_NAME:<tag> in AWS_REGION, or nothing when ECR says the tag does
# not exist. Any other answer (no access, throttling, a typo in the repository) is an error: the
# pipeline must not decide to build or to push a tag on a guess. Run in the aws container.
set -euo pipefail

tag="${1:?usage: ecr-image.sh <tag>}"
: "${AWS_REGION:?}" "${ECR_REPO_NAME:?}"
if out="$(aws ecr describe-images \
      --region "$AWS_REGION" \
      --repository-name "$ECR_REPO_NAME" \
      --image-ids imageTag="$tag" \
      --query 'imageDetails[0].imageDigest' \
      --output text 2>&1)"; then
  if [[ ! "$out" =~ ^sha256:[0-9a-f]{64}$ ]]; then
    echo "unexpected answer from ECR for tag $tag: $out" >&2
    exit 1
  fi
  echo "$out"
elif printf '%s' "$out" | grep -q ImageNotFoundException; then
  echo ""
else
  echo "$out" >&2
  exit 1
fi
