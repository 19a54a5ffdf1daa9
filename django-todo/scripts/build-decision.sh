#!/usr/bin/env bash
# Whether the pipeline builds an image for GIT_COMMIT. Prints one line: "build: <why>" or
# "skip: <why>". Run in the checkout (Jenkinsfile, stage "Detect app changes").
#
# Environment:
#   GIT_COMMIT         the commit being built (40 hex)
#   APP_PATH           the app's folder in the repository
#   COMMIT_IMAGE       digest of ECR_REPO:GIT_COMMIT if that tag exists, else empty
#   LATEST_ECR_COMMIT  commit of the newest image in ECR (by push time), or empty
#
# Rules, first match wins:
#   1. The commit's own tag exists: skip. The repository's tags are IMMUTABLE, so a commit is
#      built once; pushing it again would fail after the tests and the scan. This is what happens
#      when the branch is reset to an older, already built commit. To rebuild a commit, delete
#      its tag in ECR first. (A reset does not roll the deployment back: the Image Updater keeps
#      the newest build. Roll back with a revert commit, which gets its own build.)
#   2. No image yet, or the newest image's commit is unknown to git: build.
#   3. APP_PATH differs between the newest image's commit and GIT_COMMIT: build.
#   4. Otherwise skip: the newest image was built from the same app files.
set -euo pipefail

: "${GIT_COMMIT:?}" "${APP_PATH:?}"
if [[ -n "${COMMIT_IMAGE:-}" ]]; then
  echo "skip: ${GIT_COMMIT} is already built (${COMMIT_IMAGE}); tags are immutable"
elif [[ -z "${LATEST_ECR_COMMIT:-}" ]]; then
  echo "build: no previous image"
elif ! git cat-file -e "${LATEST_ECR_COMMIT}^{commit}" 2>/dev/null; then
  echo "build: ${LATEST_ECR_COMMIT} is unknown to git"
elif ! git diff --quiet "$LATEST_ECR_COMMIT" "$GIT_COMMIT" -- "$APP_PATH/"; then
  echo "build: $APP_PATH/ differs from ${LATEST_ECR_COMMIT}"
else
  echo "skip: $APP_PATH/ is the same as in ${LATEST_ECR_COMMIT}"
fi
