#!/usr/bin/env bash
# Installs the Debian packages the tests drive, if they are missing:
# slapd and ldap-utils (a real OpenLDAP for the ldapauth suite); python3,
# python3-twisted, python3-zeep, python3-suds, python3-spyne, php-cli + php-soap,
# libsoap-lite-perl, python3-jwt (real XML-RPC, SOAP and JWT clients for the conformance
# suites); gsoap (wsdl2h) and libxml2-utils (xmllint) to check the WSDL;
# chromium for the portal's browser tests; redis-server for the cluster suite;
# npm (npx runs Redocly's CLI on the generated OpenAPI documents); curl (a
# client-certificate and Kerberos caller); krb5-kdc, krb5-admin-server and
# krb5-user (an MIT KDC, kadmin.local and kinit for the Kerberos suite);
# samba, samba-ad-dc, samba-ad-provision and winbind (an Active Directory
# domain controller the identity suite provisions).
# With the argument "bench", also what make bench needs: wrk, a C compiler,
# libxmlrpc-core-c3-dev and libgsoap-dev for the C peers; and valgrind for
# make instructions.
set -euo pipefail
need=()
[ -x /usr/sbin/slapd ] || need+=(slapd)
[ -x /usr/sbin/slapadd ] || need+=(slapd)
command -v ldapsearch >/dev/null || need+=(ldap-utils)
[ -x /usr/bin/python3 ] || need+=(python3)
/usr/bin/python3 -c 'import twisted.web.xmlrpc' 2>/dev/null || need+=(python3-twisted)
/usr/bin/python3 -c 'import zeep' 2>/dev/null || need+=(python3-zeep)
/usr/bin/python3 -c 'import suds' 2>/dev/null || need+=(python3-suds)
/usr/bin/python3 -c 'import spyne' 2>/dev/null || need+=(python3-spyne)
/usr/bin/python3 -c 'import jwt' 2>/dev/null || need+=(python3-jwt)
command -v php >/dev/null || need+=(php-cli)
php -m 2>/dev/null | grep -qx soap || need+=(php-soap)
perl -MSOAP::Lite -e1 2>/dev/null || need+=(libsoap-lite-perl)
command -v wsdl2h >/dev/null || need+=(gsoap)
command -v xmllint >/dev/null || need+=(libxml2-utils)
command -v chromium >/dev/null || need+=(chromium)
command -v redis-server >/dev/null || need+=(redis-server)
command -v npx >/dev/null || need+=(npm)
command -v curl >/dev/null || need+=(curl)
[ -x /usr/sbin/krb5kdc ] || need+=(krb5-kdc)
[ -x /usr/sbin/kadmin.local ] || need+=(krb5-admin-server)
command -v kinit >/dev/null || need+=(krb5-user)
[ -x /usr/sbin/samba ] || need+=(samba samba-ad-dc samba-ad-provision winbind)
if [ "${1:-}" = bench ]; then
  command -v wrk >/dev/null || need+=(wrk)
  command -v cc >/dev/null || need+=(gcc libc6-dev)
  command -v xmlrpc-c-config >/dev/null || need+=(libxmlrpc-core-c3-dev)
  [ -f /usr/include/stdsoap2.h ] || need+=(libgsoap-dev)
  command -v valgrind >/dev/null || need+=(valgrind)
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing: ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${need[@]}"
