<?php
// PHP's SoapClient (php-soap) against a running gateway's published WSDLs,
// SOAP 1.1 and 1.2, the session header through __setSoapHeaders.
// Usage: php php_client.php URL. Exits non-zero on a failed check.
$base = $argv[1];
function check($cond, $what) { if (!$cond) { fwrite(STDERR, "FAILED: $what\n"); exit(1); } }
function fault($fn, $starts, $code) {
  try { $fn(); } catch (SoapFault $f) {
    check(str_starts_with($f->getMessage(), $starts), "fault message " . $f->getMessage() . " starts with $starts");
    check(str_ends_with($f->faultcode, $code), "faultcode " . $f->faultcode . " ends with $code");
    return $f;
  }
  check(false, "a fault $starts");
}
$opts = ["cache_wsdl" => WSDL_CACHE_NONE, "exceptions" => true];
$session = new SoapClient("$base/soap/session?wsdl", $opts);
$token = $session->Login(["username" => "alice", "password" => "wonderland"])->token;
check(strlen($token) == 43, "token");
foreach ([SOAP_1_1 => ["Client", "Server"], SOAP_1_2 => ["Sender", "Receiver"]] as $ver => [$client, $server]) {
  $inv = new SoapClient("$base/soap/inventory?wsdl", $opts + ["soap_version" => $ver]);
  $inv->__setSoapHeaders(new SoapHeader("urn:gateway:session", "Session", $token));
  $items = $inv->ListItems()->item;
  check(count($items) == 3 && $items[1]->name == "Gadget", "ListItems");
  check($inv->GetItem(["sku" => "A-1"])->item->name == "Widget", "GetItem");
  $r = $inv->Reserve(["sku" => "A-1", "quantity" => 1])->reservation;
  check($r->quantity == 1, "Reserve");
  $mine = $inv->MyReservations()->reservation;
  $mine = is_array($mine) ? $mine : [$mine];
  check(in_array($r->id, array_map(fn($x) => $x->id, $mine)), "MyReservations");
  check($inv->CancelReservation(["id" => $r->id])->cancelled === true, "CancelReservation");
  $f = fault(fn() => $inv->GetItem(["sku" => "Z-9"]), "UnknownItem", $server);
  check(isset($f->detail->UnknownItem) && $f->detail->UnknownItem->sku == "Z-9", "fault detail");
  fault(fn() => $inv->Reserve(["sku" => "C-3", "quantity" => 1]), "OutOfStock", $server);
  fault(fn() => $inv->Reserve(["sku" => "A-1", "quantity" => 0]), "InvalidQuantity", $server);
  fault(fn() => $inv->CancelReservation(["id" => "R-0"]), "UnknownReservation", $server);
  $anon = new SoapClient("$base/soap/inventory?wsdl", $opts + ["soap_version" => $ver]);
  fault(fn() => $anon->GetItem(["sku" => "A-1"]), "no session", $client);
  $carol = new SoapClient("$base/soap/inventory?wsdl", $opts + ["soap_version" => $ver]);
  $carol->__setSoapHeaders(new SoapHeader("urn:gateway:session", "Session", $session->Login(["username" => "carol", "password" => "carol-pass"])->token));
  fault(fn() => $carol->ListItems(), "user carol may not use", $client);
  echo "ok SOAP ", $ver == SOAP_1_1 ? "1.1" : "1.2", "\n";
}
echo "php: all checks passed\n";
