/* Peer for the benchmarks: a gSOAP server in C answering GetItem from
 * examples/inventory/inventory.wsdl with the same item (and ListItems with
 * the demo's three items). bench/peers.go
 * generates the stubs (wsdl2h -c, soapcpp2 -c -S) into a work directory and
 * compiles this file beside them with cc and -lgsoap.
 * Usage: gsoap_server PORT.
 *
 * One thread per connection, the multi-threaded server of gSOAP's manual,
 * with HTTP keep-alive: wrk holds 32 connections open. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "soapH.h"
#include "InventoryBinding.nsmap"

static void *serve(void *arg) {
    struct soap *soap = (struct soap *)arg;
    pthread_detach(pthread_self());
    soap_serve(soap);
    soap_destroy(soap);
    soap_end(soap);
    soap_free(soap);
    return NULL;
}

int main(int argc, char **argv) {
    struct soap soap;
    pthread_t tid;

    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    soap_init2(&soap, SOAP_IO_KEEPALIVE, SOAP_IO_KEEPALIVE | SOAP_XML_NOTYPE);
    soap.bind_flags = SO_REUSEADDR;
    soap.max_keep_alive = 1000000;
    soap.accept_timeout = 0;
    soap.recv_timeout = 60;
    soap.send_timeout = 60;
    if (!soap_valid_socket(soap_bind(&soap, "127.0.0.1", atoi(argv[1]), 128))) {
        soap_print_fault(&soap, stderr);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        struct soap *copy;
        if (!soap_valid_socket(soap_accept(&soap)))
            continue;
        copy = soap_copy(&soap);
        if (copy == NULL || pthread_create(&tid, NULL, serve, copy) != 0) {
            soap_force_closesock(&soap);
            continue;
        }
    }
}

int __ns1__GetItem(struct soap *soap, struct _ns1__GetItem *req,
                   struct _ns1__GetItemResponse *resp) {
    struct ns1__Item *item = soap_new_ns1__Item(soap, 1);
    if (item == NULL)
        return SOAP_EOM;
    item->sku = req->sku;
    item->name = "Widget";
    item->stock = 40;
    item->price = "2.5";
    resp->item = item;
    return SOAP_OK;
}

/* The demo's catalogue, as the gateway answers it before any reservation. */
int __ns1__ListItems(struct soap *soap, struct _ns1__ListItems *req,
                     struct _ns1__ListItemsResponse *resp) {
    static const struct {
        char *sku, *name, *price;
        int stock;
    } catalogue[] = {{"A-1", "Widget", "2.5", 40}, {"B-2", "Gadget", "19.99", 5}, {"C-3", "Gizmo", "7.25", 0}};
    int i, n = (int)(sizeof catalogue / sizeof catalogue[0]);
    struct ns1__Item *items = soap_new_ns1__Item(soap, n);
    (void)req;
    if (items == NULL)
        return SOAP_EOM;
    for (i = 0; i < n; i++) {
        items[i].sku = catalogue[i].sku;
        items[i].name = catalogue[i].name;
        items[i].stock = catalogue[i].stock;
        items[i].price = catalogue[i].price;
    }
    resp->__sizeitem = n;
    resp->item = items;
    return SOAP_OK;
}

/* The other operations of the WSDL are not part of the benchmark. */

int __ns1__Reserve(struct soap *soap, struct _ns1__Reserve *req,
                   struct _ns1__ReserveResponse *resp) {
    (void)req;
    (void)resp;
    return soap_receiver_fault(soap, "not served by the benchmark peer", NULL);
}

int __ns1__MyReservations(struct soap *soap, struct _ns1__MyReservations *req,
                          struct _ns1__MyReservationsResponse *resp) {
    (void)req;
    (void)resp;
    return soap_receiver_fault(soap, "not served by the benchmark peer", NULL);
}

int __ns1__CancelReservation(struct soap *soap, struct _ns1__CancelReservation *req,
                             struct _ns1__CancelReservationResponse *resp) {
    (void)req;
    (void)resp;
    return soap_receiver_fault(soap, "not served by the benchmark peer", NULL);
}
