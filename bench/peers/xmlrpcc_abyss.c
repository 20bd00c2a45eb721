/* Peer for the benchmarks: an xmlrpc-c Abyss server in C serving the same
 * inventory.GetItem answer as the gateway (system.multicall is built into
 * xmlrpc-c's registry). Usage: xmlrpcc_abyss PORT.
 * Built by bench/peers.go with `cc ... $(xmlrpc-c-config abyss-server --cflags --libs)`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmlrpc-c/base.h>
#include <xmlrpc-c/server.h>
#include <xmlrpc-c/server_abyss.h>

static xmlrpc_value *get_item(xmlrpc_env *env, xmlrpc_value *params,
                              void *server_info, void *call_info) {
    const char *sku;
    xmlrpc_value *item, *result;
    (void)server_info;
    (void)call_info;
    xmlrpc_decompose_value(env, params, "(s)", &sku);
    if (env->fault_occurred)
        return NULL;
    item = xmlrpc_build_value(env, "{s:s,s:s,s:i,s:d}", "sku", sku, "name",
                              "Widget", "stock", 40, "price", 2.5);
    free((void *)sku);
    if (env->fault_occurred)
        return NULL;
    result = xmlrpc_build_value(env, "{s:V}", "item", item);
    xmlrpc_DECREF(item);
    return result;
}

int main(int argc, char **argv) {
    struct xmlrpc_method_info3 const method = {"inventory.GetItem", &get_item};
    xmlrpc_server_abyss_parms parms;
    xmlrpc_registry *registry;
    xmlrpc_env env;

    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    xmlrpc_env_init(&env);
    registry = xmlrpc_registry_new(&env);
    xmlrpc_registry_add_method3(&env, registry, &method);
    if (env.fault_occurred) {
        fprintf(stderr, "registry: %s\n", env.fault_string);
        return 1;
    }
    memset(&parms, 0, sizeof parms);
    parms.config_file_name = NULL;
    parms.registryP = registry;
    parms.port_number = (unsigned int)atoi(argv[1]);
    parms.log_file_name = NULL;
    parms.keepalive_timeout = 60;
    parms.keepalive_max_conn = 1000000; /* requests per kept-alive connection */
    parms.timeout = 60;
    parms.dont_advertise = 1;
    parms.uri_path = "/RPC2";
    parms.chunk_response = 0;
    parms.allow_origin = NULL;
    parms.access_ctl_expires = 0;
    parms.access_ctl_max_age = 0;
    parms.sockaddr_p = NULL;
    parms.sockaddrlen = 0;
    parms.max_conn = 64; /* wrk opens 32 connections; Abyss's default is 15 */
    parms.max_conn_backlog = 64;
    printf("ready\n");
    fflush(stdout);
    xmlrpc_server_abyss(&env, &parms, XMLRPC_APSIZE(max_conn_backlog));
    if (env.fault_occurred) {
        fprintf(stderr, "abyss: %s\n", env.fault_string);
        return 1;
    }
    return 0;
}
