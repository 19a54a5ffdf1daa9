#!/usr/bin/env bash
# The SonarQube token one build analyses with, minted as the pipeline's analysis user: a user that
# may only analyse and browse the app's project (SonarQube's setup Job creates it; the platform
# repository's config/sonarqube-analysis.ts names it). Run in the jnlp container.
#
#   sonar-token.sh mint     prints SonarQube's answer, {"login":…,"name":…,"token":…}
#   sonar-token.sh revoke
#
# mint first waits, up to SONAR_WAIT_SECONDS, until SonarQube accepts the user: on a new
# environment Jenkins' start-up build can begin before SonarQube's setup Job has run (Argo CD's
# RollingSync steps can overlap, argo-cd#29410), and that build must still push the first image.
# It then revokes a token of the same name that a killed build may have left, and generates one.
# The password travels as basic auth only.
#
# Environment: SQ_URL, SQ_TOKEN_NAME, SONAR_ANALYSIS_USER, SONAR_ANALYSIS_PASSWORD;
# SONAR_WAIT_SECONDS (default 1800), SONAR_POLL_SECONDS (default 30).
set -euo pipefail

action="${1:?usage: sonar-token.sh mint|revoke}"
: "${SQ_URL:?}" "${SQ_TOKEN_NAME:?}" "${SONAR_ANALYSIS_USER:?}" "${SONAR_ANALYSIS_PASSWORD:?}"
wait_seconds="${SONAR_WAIT_SECONDS:-1800}"
poll_seconds="${SONAR_POLL_SECONDS:-30}"

sonar() { curl -sS --fail-with-body --max-time 20 -u "$SONAR_ANALYSIS_USER:$SONAR_ANALYSIS_PASSWORD" "$@"; }
revoke() { sonar -o /dev/null -X POST --data-urlencode "name=$SQ_TOKEN_NAME" "$SQ_URL/api/user_tokens/revoke"; }

case "$action" in
  mint)
    deadline=$((SECONDS + wait_seconds))
    until sonar "$SQ_URL/api/authentication/validate" 2>/dev/null | grep -q '"valid":true'; do
      if ((SECONDS >= deadline)); then
        echo "SonarQube at $SQ_URL did not accept user $SONAR_ANALYSIS_USER within ${wait_seconds}s: is SonarQube up, and has its sonarqube-setup Job run?" >&2
        exit 1
      fi
      echo "waiting for SonarQube to accept user $SONAR_ANALYSIS_USER" >&2
      sleep "$poll_seconds"
    done
    revoke
    sonar -X POST --data-urlencode "name=$SQ_TOKEN_NAME" "$SQ_URL/api/user_tokens/generate"
    ;;
  revoke)
    revoke
    ;;
  *)
    echo "usage: sonar-token.sh mint|revoke (got: $action)" >&2
    exit 2
    ;;
esac
