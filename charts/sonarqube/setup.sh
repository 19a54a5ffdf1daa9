#!/bin/sh
# The sonarqube-setup PostSync Job (charts/sonarqube.ts). Idempotent; every step checks first:
#  1. waits for SonarQube and sets the admin password once (the first change is from the built-in
#     `admin`);
#  2. creates the pipeline's project, private, when it is missing;
#  3. creates the pipeline's analysis user (a local user, not an administrator) or resets its
#     password to the SSM value, so a rotated value takes effect on the next sync;
#  4. grants that user the project's `scan` (Execute Analysis) and `user` (Browse, which the
#     scanner's quality-gate wait needs) permissions, nothing global;
#  5. deletes the Jenkins webhook earlier versions created (name `jenkins`): the scanner waits
#     for the quality gate itself, and no NetworkPolicy lets SonarQube reach Jenkins any more.
# Passwords travel as basic auth or URL-encoded POST bodies, never in a URL; every curl uses
# --fail, so an API error fails the Job (the seed's exited 0, S1).
# Environment (set by the Job): SONARQUBE_URL, ADMIN_PASSWORD, ANALYSIS_USER, ANALYSIS_PASSWORD,
# PROJECT_KEY, PROJECT_NAME.
set -eu
S="$SONARQUBE_URL"
echo "waiting for SonarQube at $S"
until curl -fsS --max-time 10 "$S/api/system/status" | grep -q '"status":"UP"'; do sleep 10; done

valid() { curl -fsS --max-time 20 -u "$1:$2" "$S/api/authentication/validate" | grep -q '"valid":true'; }
admin() { curl -fsS --max-time 20 -u "admin:$ADMIN_PASSWORD" "$@"; }

if valid admin "$ADMIN_PASSWORD"; then
  echo "admin password already set"
elif valid admin admin; then
  printf %s "$ADMIN_PASSWORD" | curl -fsS --max-time 20 -o /dev/null -u admin:admin -X POST \
    --data-urlencode login=admin --data-urlencode previousPassword=admin --data-urlencode password@- \
    "$S/api/users/change_password"
  echo "admin password changed"
else
  echo "admin password is neither the SSM value nor the initial one; change it by hand" >&2
  exit 1
fi

if admin --get --data-urlencode "projects=$PROJECT_KEY" "$S/api/projects/search" | grep -qF "\"key\":\"$PROJECT_KEY\""; then
  echo "project $PROJECT_KEY exists"
else
  admin -o /dev/null -X POST --data-urlencode "project=$PROJECT_KEY" --data-urlencode "name=$PROJECT_NAME" \
    --data-urlencode visibility=private "$S/api/projects/create"
  echo "project $PROJECT_KEY created (private)"
fi

if valid "$ANALYSIS_USER" "$ANALYSIS_PASSWORD"; then
  echo "user $ANALYSIS_USER exists with the SSM password"
elif admin --get --data-urlencode "q=$ANALYSIS_USER" "$S/api/users/search" | grep -qF "\"login\":\"$ANALYSIS_USER\""; then
  printf %s "$ANALYSIS_PASSWORD" | admin -o /dev/null -X POST --data-urlencode "login=$ANALYSIS_USER" \
    --data-urlencode password@- "$S/api/users/change_password"
  echo "user $ANALYSIS_USER: password reset to the SSM value"
else
  # Creates the user, or reactivates it if it was deactivated.
  printf %s "$ANALYSIS_PASSWORD" | admin -o /dev/null -X POST --data-urlencode "login=$ANALYSIS_USER" \
    --data-urlencode "name=$ANALYSIS_USER" --data-urlencode local=true --data-urlencode password@- \
    "$S/api/users/create"
  echo "user $ANALYSIS_USER created"
fi

# Adding a permission the user already has changes nothing.
for permission in scan user; do
  admin -o /dev/null -X POST --data-urlencode "login=$ANALYSIS_USER" --data-urlencode "projectKey=$PROJECT_KEY" \
    --data-urlencode "permission=$permission" "$S/api/permissions/add_user"
done
echo "user $ANALYSIS_USER may analyse and browse $PROJECT_KEY"

# One webhook object per line; the key comes before the name in SonarQube's answer.
stale="$(admin "$S/api/webhooks/list" | tr '{' '\n' | grep '"name":"jenkins"' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')"
for key in $stale; do
  admin -o /dev/null -X POST --data-urlencode "webhook=$key" "$S/api/webhooks/delete"
  echo "stale Jenkins webhook $key deleted"
done
