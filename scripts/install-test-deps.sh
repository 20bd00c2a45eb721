#!/usr/bin/env bash
# Installs the Debian packages the tests drive, if they are missing:
# slapd and ldap-utils (a real OpenLDAP for the ldapauth suite), python3 and
# python3-twisted (real XML-RPC clients for the conformance suite).
set -euo pipefail
need=()
[ -x /usr/sbin/slapd ] || need+=(slapd)
[ -x /usr/sbin/slapadd ] || need+=(slapd)
command -v ldapsearch >/dev/null || need+=(ldap-utils)
[ -x /usr/bin/python3 ] || need+=(python3)
/usr/bin/python3 -c 'import twisted.web.xmlrpc' 2>/dev/null || need+=(python3-twisted)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${need[@]}"
