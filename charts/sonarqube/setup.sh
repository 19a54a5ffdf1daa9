#!/bin/sh
# The sonarqube-setup PostSync Job (charts/sonarqube.ts): waits for SonarQube, sets the admin
# password once (the first change is from the built-in `admin`), then creates the Jenkins webhook
# when it is missing. Idempotent. Passwords travel as basic auth or URL-encoded POST bodies, never
# in a URL; every curl uses --fail, so an API error fails the Job (the seed's exited 0, S1).
# Environment (set by the Job): SONARQUBE_URL, JENKINS_WEBHOOK_URL, ADMIN_PASSWORD.
set -eu
S="$SONARQUBE_URL"
HOOK_URL="$JENKINS_WEBHOOK_URL"
echo "waiting for SonarQube at $S"
until curl -fsS --max-time 10 "$S/api/system/status" | grep -q '"status":"UP"'; do sleep 10; done
valid() { curl -fsS --max-time 20 -u "admin:$1" "$S/api/authentication/validate" | grep -q '"valid":true'; }
if valid "$ADMIN_PASSWORD"; then
  echo "admin password already set"
elif valid admin; then
  printf %s "$ADMIN_PASSWORD" | curl -fsS --max-time 20 -o /dev/null -u admin:admin -X POST \
    --data-urlencode login=admin --data-urlencode previousPassword=admin --data-urlencode password@- \
    "$S/api/users/change_password"
  echo "admin password changed"
else
  echo "admin password is neither the SSM value nor the initial one; change it by hand" >&2
  exit 1
fi
if curl -fsS --max-time 20 -u "admin:$ADMIN_PASSWORD" "$S/api/webhooks/list" | grep -qF "\"url\":\"$HOOK_URL\""; then
  echo "Jenkins webhook exists"
else
  curl -fsS --max-time 20 -o /dev/null -u "admin:$ADMIN_PASSWORD" -X POST \
    --data-urlencode name=jenkins --data-urlencode "url=$HOOK_URL" "$S/api/webhooks/create"
  echo "Jenkins webhook created"
fi
