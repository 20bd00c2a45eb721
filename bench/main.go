// Command bench measures the gateway side by side with its peers and the
// ceiling of this machine, with wrk on loopback, in one run: each scenario
// three times, the median reported, as a table on stdout, as Markdown in
// bench/results.md and as a bar chart of the ratios in bench/results.png.
//
//	go run ./bench [-duration 5s] [-runs 3]
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

type result struct {
	scenario, system string
	rps              float64
	p50, p99         time.Duration
	ratio            float64       // to the ceiling of the same scenario
	gatewayOver      float64       // the gateway's requests/s over this system's
	cpuPerReq        time.Duration // the serving processes' CPU time per request
	slapdPerLogin    time.Duration // scenario 4: slapd's CPU time per login
}

func main() {
	duration := flag.Duration("duration", 5*time.Second, "wrk duration of each run")
	runs := flag.Int("runs", 3, "runs of each measurement; the median is reported")
	out := flag.String("out", "bench/results.md", "Markdown results file")
	png := flag.String("png", "bench/results.png", "bar chart of the ratios")
	only := flag.String("only", "", "run just scenario 4 (logins), 5 (long-poll latency), 8 (scenario 1 on memory and on Redis, with and without the session cache), 9 (the front ends' GetItem: XML-RPC, SOAP and JSON, and the XML-RPC multicall, beside the ceiling) or 10 (1 to 3 nodes on Redis, each held to its own CPU quota), print its figures, write no file")
	codecsOut := flag.String("codecs", "bench/codecs.txt", "go test -bench output of the codecs, compared with the previous one by benchstat")
	flag.Parse()
	if _, err := exec.LookPath("wrk"); err != nil {
		log.Fatal("wrk is not installed (apt-get install wrk)")
	}
	work, err := os.MkdirTemp("", "gateway-bench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	bin := filepath.Join(work, "gateway")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/gateway").CombinedOutput(); err != nil {
		log.Fatalf("build: %v\n%s", err, out)
	}
	gwPort, debugPort := freePort(), freePort()
	// Scenario 5 gives one user 1,000 clients: above session.max_per_user's
	// default of 50, which would evict all but the last 50.
	gwConfig := filepath.Join(work, "gateway.yaml")
	if err := os.WriteFile(gwConfig, []byte("session:\n  max_per_user: 5000\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	gw := exec.CommandContext(ctx, bin, "-config", gwConfig, "-debug-addr", fmt.Sprintf("127.0.0.1:%d", debugPort))
	gw.Env = append(os.Environ(), fmt.Sprintf("GATEWAY_LISTEN=127.0.0.1:%d", gwPort))
	startAndWait(gw, gwPort, "gateway")
	gwURL := fmt.Sprintf("http://127.0.0.1:%d", gwPort)
	switch *only {
	case "":
	case "4":
		l, err := loginScenario(ctx, work, bin, *duration, *runs)
		if err != nil {
			log.Fatalf("login scenario: %v", err)
		}
		fmt.Printf("4 login: %s\n", l.summary())
		return
	case "5":
		for _, l := range longPollScenario(gwURL) {
			fmt.Println(l)
		}
		return
	case "8":
		redisModes(ctx, work, bin, gwURL, *duration, *runs, gw.Process.Pid)
		return
	case "9":
	case "10":
		for _, l := range nodesScenario(ctx, work, bin, *duration, *runs) {
			fmt.Println(l)
		}
		return
	default:
		log.Fatalf("-only: %q is not 4, 5, 8, 9 or 10", *only)
	}
	token := login(gwURL)

	bodies := map[string]string{
		"1 xmlrpc GetItem":   `<?xml version="1.0"?><methodCall><methodName>inventory.GetItem</methodName><params><param><value><string>A-1</string></value></param></params></methodCall>`,
		"2 soap GetItem":     `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><gw:Session xmlns:gw="urn:gateway:session">` + token + `</gw:Session></soap:Header><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem></soap:Body></soap:Envelope>`,
		"2b soap ListItems":  soapListItems(`<soap:Header><gw:Session xmlns:gw="urn:gateway:session">` + token + `</gw:Session></soap:Header>`),
		"3 xmlrpc multicall": multicall(10),
		"9 json GetItem":     `{"sku":"A-1"}`,
	}
	// The ceiling answers each scenario with the gateway's own response bytes.
	canned := map[string][]byte{}
	for name, body := range bodies {
		canned[name] = post(gwURL+scenarioPath(name), body, token)
	}
	ceilPort, fastCeilPort := freePort(), freePort()
	go serveCeiling(ceilPort, canned)
	go serveFastCeiling(fastCeilPort, canned)
	ceilURL := fmt.Sprintf("http://127.0.0.1:%d", ceilPort)
	fastCeilURL := fmt.Sprintf("http://127.0.0.1:%d", fastCeilPort)
	// The same gateway on net/http, the engine it ran on before
	// http_engine: the decision's figures, in every run.
	netPort := freePort()
	gwNet := exec.CommandContext(ctx, bin, "-config", gwConfig)
	gwNet.Env = append(os.Environ(), fmt.Sprintf("GATEWAY_LISTEN=127.0.0.1:%d", netPort), "GATEWAY_HTTP_ENGINE=net/http")
	startAndWait(gwNet, netPort, "gateway on net/http")
	gwNetURL := fmt.Sprintf("http://127.0.0.1:%d", netPort)
	netToken := login(gwNetURL)
	if *only == "9" {
		frontEnds(work, gwURL, ceilURL, token, bodies, *duration, *runs, gw.Process.Pid, engines{fastCeilURL, gwNetURL, netToken, gwNet.Process.Pid})
		return
	}

	peers := map[string]string{}
	peerPID := map[string]int{}
	for name, script := range map[string]string{"python SimpleXMLRPCServer": "simplexmlrpc.py", "twisted": "twisted_xmlrpc.py", "spyne": "spyne_soap.py"} {
		port := freePort()
		cmd := exec.CommandContext(ctx, "/usr/bin/python3", filepath.Join("bench", "peers", script), strconv.Itoa(port))
		startAndWait(cmd, port, name)
		peers[name] = fmt.Sprintf("http://127.0.0.1:%d", port)
		peerPID[name] = cmd.Process.Pid
	}
	for name, build := range map[string]func(string) (string, error){"xmlrpc-c (C, Abyss)": buildXMLRPCC, "gSOAP (C)": buildGSOAP} {
		peerBin, err := build(work)
		if err != nil {
			log.Fatal(err)
		}
		port := freePort()
		cmd := exec.CommandContext(ctx, peerBin, strconv.Itoa(port))
		startAndWait(cmd, port, name)
		peers[name] = fmt.Sprintf("http://127.0.0.1:%d", port)
		peerPID[name] = cmd.Process.Pid
	}
	// Scenario 8: a second gateway with its sessions in Redis.
	redisURL, redisPID, stopRedis := startRedis(ctx, work)
	defer stopRedis()
	redisPort := freePort()
	gwRedis := exec.CommandContext(ctx, bin)
	gwRedis.Env = append(os.Environ(), fmt.Sprintf("GATEWAY_LISTEN=127.0.0.1:%d", redisPort), "GATEWAY_SESSION_STORE=redis", "GATEWAY_REDIS_URL="+redisURL)
	startAndWait(gwRedis, redisPort, "gateway on Redis")
	gwRedisURL := fmt.Sprintf("http://127.0.0.1:%d", redisPort)
	redisToken := login(gwRedisURL)

	// Each target names the processes that serve it, whose CPU time per
	// request is reported beside the request rate: the ceiling is served by
	// this process.
	type target struct {
		scenario, system, url, body, token string
		pids                               []int
	}
	self, gwPID := []int{os.Getpid()}, []int{gw.Process.Pid}
	var targets []target
	for _, sc := range []string{"1 xmlrpc GetItem", "2 soap GetItem", "2b soap ListItems", "9 json GetItem", "3 xmlrpc multicall"} {
		path := scenarioPath(sc)
		peer := func(name, path, body string) target {
			return target{sc, name, peers[name] + path, body, "", []int{peerPID[name]}}
		}
		targets = append(targets, target{sc, ceilingName, ceilURL + "/" + key(sc), bodies[sc], "", self},
			target{sc, "gateway", gwURL + path, bodies[sc], token, gwPID})
		if key(sc) == "1" || key(sc) == "2" {
			targets = append(targets, target{sc, fastCeilingName, fastCeilURL + "/" + key(sc), bodies[sc], "", self},
				target{sc, gatewayNetHTTP, gwNetURL + path, strings.ReplaceAll(bodies[sc], token, netToken), netToken, []int{gwNet.Process.Pid}})
		}
		switch key(sc) {
		case "1":
			targets = append(targets,
				target{sc, "gateway, Redis store", gwRedisURL + path, bodies[sc], redisToken, []int{gwRedis.Process.Pid, redisPID}},
				peer("xmlrpc-c (C, Abyss)", "/RPC2", bodies[sc]),
				peer("twisted", "/", bodies[sc]),
				peer("python SimpleXMLRPCServer", "/xmlrpc", bodies[sc]))
		case "2":
			targets = append(targets, peer("gSOAP (C)", "/", peerSOAPBody), peer("spyne", "/", peerSOAPBody))
		case "2b":
			targets = append(targets, peer("gSOAP (C)", "/", soapListItems("")))
		case "3":
			targets = append(targets, peer("xmlrpc-c (C, Abyss)", "/RPC2", bodies[sc]), peer("python SimpleXMLRPCServer", "/xmlrpc", bodies[sc]))
		}
	}
	// The runs are interleaved (every system once, then again) so that a
	// slow patch of this shared machine falls on all of them alike.
	runsOf := make([][]result, len(targets))
	for i := 0; i < *runs; i++ {
		for t, tg := range targets {
			runsOf[t] = append(runsOf[t], wrkCPU(work, tg.url, tg.body, tg.token, *duration, tg.pids))
		}
	}
	var results []result
	var extra []string // measurements that are not request rates
	for t, tg := range targets {
		m := median(runsOf[t])
		m.scenario, m.system = tg.scenario, tg.system
		results = append(results, m)
		fmt.Fprintf(os.Stderr, "%-22s %-28s %9.0f req/s  p50 %-9v p99 %-9v CPU %v/request\n", m.scenario, m.system, m.rps, m.p50, m.p99, m.cpuPerReq)
	}
	// Where the gateway's CPU goes in scenarios 1 and 2: a profile of each.
	profiles := "\n## Where the gateway's CPU goes (pprof during one more wrk run of scenarios 1 and 2)\n\n" +
		"| scenario | HTTP engine serving the connection (all of a request's work) | gateway code (handlers, core, codecs, inventory) | system calls (read, write) | GC | profile |\n|---|---|---|---|---|---|\n"
	ceilShares, err := profileCeiling(work, ceilURL+"/1", bodies["1 xmlrpc GetItem"], max(*duration+3*time.Second, 8*time.Second), "bench/profile-ceiling.txt")
	if err != nil {
		log.Fatalf("profile the ceiling: %v", err)
	}
	profiles += ceilShares.row("1 xmlrpc GetItem, the ceiling", "bench/profile-ceiling.txt") + "\n"
	for _, p := range []struct{ scenario, path, file string }{{"1 xmlrpc GetItem", "/xmlrpc", "bench/profile-xmlrpc.txt"}, {"2 soap GetItem", "/soap/inventory", "bench/profile-soap.txt"}} {
		shares, err := profileGateway(work, bin, fmt.Sprintf("http://127.0.0.1:%d", debugPort), gwURL+p.path, bodies[p.scenario], token, max(*duration+3*time.Second, 8*time.Second), p.file)
		if err != nil {
			log.Fatalf("profile %s: %v", p.scenario, err)
		}
		fmt.Fprintf(os.Stderr, "profile %s: gateway code %.0f%%, syscalls %.0f%%, GC %.0f%%\n", p.scenario, 100*shares.gateway, 100*shares.syscalls, 100*shares.gc)
		profiles += shares.row(p.scenario, p.file) + "\n"
	}
	// Scenario 4: logins against a real slapd, beside a raw go-ldap loop.
	l, err := loginScenario(ctx, work, bin, *duration, *runs)
	if err != nil {
		log.Fatalf("login scenario: %v", err)
	}
	fmt.Fprintf(os.Stderr, "4 login: %s\n", l.summary())
	extra = append(extra, l.rows()...)

	// Scenario 5: attach-to-notification latency with 1,000 long-polls waiting.
	extra = append(extra, longPollScenario(gwURL)...)

	// Scenario 10: one to three nodes on Redis, each with a CPU quota of its own.
	extra = append(extra, nodesScenario(ctx, work, bin, *duration, *runs)...)

	// Ratios are taken round by round (a system's run against its
	// scenario's ceiling in the same interleaved round, moments apart) and
	// the median of those reported: on a shared machine whose speed drifts,
	// that is steadier than a ratio of medians from different moments.
	ceilingOf, gatewayOf := map[string]int{}, map[string]int{}
	for t, tg := range targets {
		switch tg.system {
		case ceilingName:
			ceilingOf[tg.scenario] = t
		case "gateway":
			gatewayOf[tg.scenario] = t
		}
	}
	ratioTo := func(t, base int) float64 {
		var rs []result
		for i := range runsOf[t] {
			rs = append(rs, result{rps: runsOf[t][i].rps / runsOf[base][i].rps})
		}
		return median(rs).rps
	}
	for t := range results {
		sc := results[t].scenario
		results[t].ratio = ratioTo(t, ceilingOf[sc])
		results[t].gatewayOver = ratioTo(gatewayOf[sc], t)
		if results[t].system == "gateway, Redis store" {
			extra = append(extra, fmt.Sprintf("| 8 scenario 1 with the Redis session store | gateway, Redis store | %.0f calls/s | gateway, memory store: %.0f/s | ratio %.2f (median of the rounds) |",
				results[t].rps, results[gatewayOf[sc]].rps, 1/results[t].gatewayOver))
		}
	}
	// Scenarios 6 and 7: Go benchmarks, the codecs compared with benchstat
	// against the committed results of the previous run.
	memory, err := memoryScenario()
	if err != nil {
		log.Fatalf("memory scenario: %v", err)
	}
	extra = append(extra, memory...)
	codecs, err := codecScenario(work, *codecsOut)
	if err != nil {
		log.Fatalf("codec scenario: %v", err)
	}
	md := table(results, *duration, *runs) + "\n| scenario | system | result | peer | ratio / target |\n|---|---|---|---|---|\n" + strings.Join(extra, "\n") + "\n" + profiles + codecs
	fmt.Print(md)
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := chart(results, *png); err != nil {
		log.Printf("chart: %v", err)
	}
}

const (
	ceilingName     = "ceiling (net/http, canned)"
	fastCeilingName = "fasthttp, canned"
	gatewayNetHTTP  = "gateway, http_engine: net/http"
)

// peerSOAPBody is scenario 2's request without the session header, which
// the peers do not know.
const peerSOAPBody = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:GetItem xmlns:m="urn:gateway:examples:inventory"><m:sku>A-1</m:sku></m:GetItem></soap:Body></soap:Envelope>`

// soapListItems is scenario 2b's request, the multi-element answer, with
// header (the session's, or none for the peer).
func soapListItems(header string) string {
	return `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">` + header + `<soap:Body><m:ListItems xmlns:m="urn:gateway:examples:inventory"/></soap:Body></soap:Envelope>`
}

func (l logins) summary() string {
	return fmt.Sprintf("gateway %.0f/s (p99 %v), every login searched %.0f/s (p99 %v), raw go-ldap %.0f/s, ratios %.2f and %.2f; CPU per login: %s; %s",
		l.cached.rps, l.cached.p99, l.searched.rps, l.searched.p99, l.raw.rps, l.cached.rps/l.raw.rps, l.searched.rps/l.raw.rps, loginCPU(l.cached, l.raw), loginCPU(l.searched, l.raw))
}

// rows are scenario 4's rows of the results table.
func (l logins) rows() []string {
	row := func(target string, g result) string {
		return fmt.Sprintf("| 4 session.login against slapd | %s | %.0f logins/s, p99 %v | raw go-ldap search-then-bind: %.0f/s | ratio %.2f; CPU per login: %s |",
			target, g.rps, g.p99, l.raw.rps, g.rps/l.raw.rps, loginCPU(g, l.raw))
	}
	return []string{
		row("gateway (a returning user: one bind; entry and groups cached for 60s, the defaults)", l.cached),
		row("gateway, ldap.entry_cache_ttl: 0 (every login: search, bind)", l.searched),
	}
}

func loginCPU(g, raw result) string {
	us := func(d time.Duration) string { return fmt.Sprintf("%.0fµs", float64(d)/1e3) }
	return fmt.Sprintf("gateway %s + slapd %s, raw loop %s + slapd %s", us(g.cpuPerReq), us(g.slapdPerLogin), us(raw.cpuPerReq), us(raw.slapdPerLogin))
}

// longPollScenario runs scenario 5 (the watched long-poll with 1,000 others
// parked) and its fan-out cousin, and returns their result rows.
func longPollScenario(gwURL string) []string {
	fromAnswer, fromRequest, err := longPollLatency(gwURL, 1000, 200)
	if err != nil {
		log.Fatalf("long-poll latency: %v", err)
	}
	fmt.Fprintf(os.Stderr, "5 long-poll latency, 1,000 others parked: from the login's answer p50 %v p99 %v; from its request p50 %v p99 %v\n",
		fromAnswer.p50, fromAnswer.p99, fromRequest.p50, fromRequest.p99)
	f50, f99, err := fanOutLatency(gwURL, 1000, 5)
	if err != nil {
		log.Fatalf("fan-out latency: %v", err)
	}
	fmt.Fprintf(os.Stderr, "5 fan-out, one event to 1,000 long-polls: p50 %v p99 %v\n", f50, f99)
	return []string{
		fmt.Sprintf("| 5 attach to notification: one watched long-poll, 1,000 of other users parked, 200 logins | gateway | from the login's answer: p50 %v, p99 %v; from the login's request (with its LDAP bind): p50 %v, p99 %v | | target p99 < 50ms |",
			fromAnswer.p50.Round(time.Microsecond), fromAnswer.p99.Round(time.Microsecond), fromRequest.p50.Round(time.Microsecond), fromRequest.p99.Round(time.Microsecond)),
		fmt.Sprintf("| 5 fan-out: one login wakes 1,000 long-polls of the same user (each answer on its own connection) | gateway | p50 %v, p99 %v over 5,000 answers | | |", f50.Round(time.Microsecond), f99.Round(time.Microsecond)),
	}
}

func multicall(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><methodCall><methodName>system.multicall</methodName><params><param><value><array><data>`)
	for i := 0; i < n; i++ {
		b.WriteString(`<value><struct><member><name>methodName</name><value><string>inventory.GetItem</string></value></member><member><name>params</name><value><array><data><value><string>A-1</string></value></data></array></value></member></struct></value>`)
	}
	b.WriteString(`</data></array></value></param></params></methodCall>`)
	return b.String()
}

func table(rs []result, d time.Duration, runs int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark results\n\n%s, %s, %s/%s, %d cores, %s; wrk -t1 -c32 -d%v --latency on loopback, median of %d interleaved runs; `make bench`.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), d, runs)
	b.WriteString("Requests/s and latencies are the medians of the runs; the ratios are the medians of the ratios within each round.\n\n")
	b.WriteString("| scenario | system | requests/s | p50 | p99 | ratio to ceiling | gateway ÷ system | server CPU per request |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| %s | %s | %.0f | %v | %v | %.2f | %.2f | %.1fµs |\n", r.scenario, r.system, r.rps, r.p50, r.p99, r.ratio, r.gatewayOver, float64(r.cpuPerReq)/1e3)
	}
	return b.String()
}

// key is a scenario's number, the first word of its name ("2b").
func key(scenario string) string {
	k, _, _ := strings.Cut(scenario, " ")
	return k
}

// scenarioPath is the gateway path a scenario posts to.
func scenarioPath(scenario string) string {
	switch key(scenario) {
	case "2", "2b":
		return "/soap/inventory"
	case "9":
		return "/api/inventory/GetItem"
	}
	return "/xmlrpc"
}

// contentType is a request body's media type: JSON or XML.
func contentType(body string) string {
	if strings.HasPrefix(body, "{") {
		return "application/json"
	}
	return "text/xml"
}

func serveCeiling(port int, canned map[string][]byte) {
	mux := http.NewServeMux()
	for name, body := range canned {
		ct := cannedType(name)
		mux.HandleFunc("/"+key(name), func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write(body)
		})
	}
	log.Fatal(http.ListenAndServe(fmt.Sprintf("127.0.0.1:%d", port), mux))
}

// cannedType is the Content-Type of a scenario's canned answer.
func cannedType(scenario string) string {
	if key(scenario) == "9" {
		return "application/json"
	}
	return "text/xml; charset=utf-8"
}

// serveFastCeiling answers as serveCeiling does, on fasthttp: what the
// gateway's default engine costs with no gateway behind it.
func serveFastCeiling(port int, canned map[string][]byte) {
	type answer struct {
		ct   string
		body []byte
	}
	byPath := map[string]answer{}
	for name, body := range canned {
		byPath["/"+key(name)] = answer{cannedType(name), body}
	}
	srv := &fasthttp.Server{NoDefaultServerHeader: true, Handler: func(ctx *fasthttp.RequestCtx) {
		a, ok := byPath[string(ctx.Path())]
		if !ok {
			ctx.SetStatusCode(fasthttp.StatusNotFound)
			return
		}
		ctx.SetContentType(a.ct)
		ctx.SetBody(a.body)
	}}
	log.Fatal(srv.ListenAndServe(fmt.Sprintf("127.0.0.1:%d", port)))
}

var (
	rpsRE = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	pctRE = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s)`)
)

func wrk(work, url, body, token string, d time.Duration) result {
	// A script per target: the wrk of several nodes run at once (scenario 10).
	script := filepath.Join(work, "post-"+strings.NewReplacer(":", "_", "/", "_", ".", "_").Replace(url)+".lua")
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.body = %q\nwrk.headers[\"Content-Type\"] = %q\n", body, contentType(body))
	if token != "" {
		lua += fmt.Sprintf("wrk.headers[\"X-Gateway-Session\"] = %q\n", token)
	}
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		log.Fatal(err)
	}
	out, err := exec.Command("wrk", "-t1", "-c32", "-d"+d.String(), "--latency", "-s", script, url).CombinedOutput()
	if err != nil {
		log.Fatalf("wrk %s: %v\n%s", url, err, out)
	}
	if strings.Contains(string(out), "Non-2xx") {
		log.Fatalf("wrk %s: errors\n%s", url, out)
	}
	var r result
	if m := rpsRE.FindStringSubmatch(string(out)); m != nil {
		r.rps, _ = strconv.ParseFloat(m[1], 64)
	}
	for _, m := range pctRE.FindAllStringSubmatch(string(out), -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]
		dur := time.Duration(v * float64(unit)).Round(time.Microsecond)
		if m[1] == "50" {
			r.p50 = dur
		} else {
			r.p99 = dur
		}
	}
	return r
}

// cpuModel is the processor's name from /proc/cpuinfo.
func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// wrkCPU is wrk's run against url with the CPU time the processes pids
// (the ones serving it) spent per request.
func wrkCPU(work, url, body, token string, d time.Duration, pids []int) result {
	before := cpuTime(pids)
	r := wrk(work, url, body, token, d)
	if n := r.rps * d.Seconds(); n > 0 {
		r.cpuPerReq = (cpuTime(pids) - before) / time.Duration(n)
	}
	return r
}

// cpuTime is the user and system CPU time the processes have used, from
// /proc (in clock ticks of 10 ms, Linux's USER_HZ).
func cpuTime(pids []int) time.Duration {
	var total time.Duration
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// The command name (field 2) may hold spaces: count from its ")".
		fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(fields) < 13 {
			continue
		}
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		total += time.Duration(utime+stime) * 10 * time.Millisecond
	}
	return total
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func startAndWait(cmd *exec.Cmd, port int, name string) {
	// Die with the harness, even when it is killed or exits by log.Fatal:
	// a stale server would load the next run.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	go func() { _, _ = io.Copy(io.Discard, bufio.NewReader(stdout)) }()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return
		}
	}
	log.Fatalf("%s did not listen on %d", name, port)
}

func post(url, body, token string) []byte {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType(body))
	req.Header.Set("X-Gateway-Session", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		log.Fatalf("%s: %d %s", url, resp.StatusCode, b)
	}
	return b
}

func login(base string) string {
	b := post(base+"/xmlrpc", `<methodCall><methodName>session.login</methodName><params><param><value>alice</value></param><param><value>wonderland</value></param></params></methodCall>`, "")
	m := regexp.MustCompile(`<name>token</name><value><string>([^<]+)`).FindSubmatch(b)
	if m == nil {
		log.Fatalf("login: %s", b)
	}
	return string(m[1])
}

// frontEnds is -only 9: GetItem through each front end (XML-RPC, SOAP,
// JSON) and the ceiling's canned answer of each, interleaved, with each
// median's ratio to its own ceiling; no peers, no file. A quick side by
// side of the front ends' codecs on the same machine in one run.
// redisModes is scenario 1 on the memory-mode gateway beside a gateway on
// Redis with its session cache and one without, interleaved.
func redisModes(ctx context.Context, work, bin, memURL string, d time.Duration, runs, memPID int) {
	redisURL, redisPID, stopRedis := startRedis(ctx, work)
	defer stopRedis()
	type mode struct {
		name, url, token string
		pids             []int
		runs             []result
	}
	modes := []*mode{{name: "memory", url: memURL, token: login(memURL), pids: []int{memPID}}}
	for _, cache := range []string{"true", "false"} {
		port := freePort()
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = append(os.Environ(), fmt.Sprintf("GATEWAY_LISTEN=127.0.0.1:%d", port), "GATEWAY_SESSION_STORE=redis", "GATEWAY_REDIS_URL="+redisURL)
		cfg := filepath.Join(work, "redis-cache-"+cache+".yaml")
		if err := os.WriteFile(cfg, []byte("session:\n  redis_cache: "+cache+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		cmd.Args = append(cmd.Args, "-config", cfg)
		startAndWait(cmd, port, "gateway on Redis")
		u := fmt.Sprintf("http://127.0.0.1:%d", port)
		modes = append(modes, &mode{name: "Redis, redis_cache: " + cache, url: u, token: login(u), pids: []int{cmd.Process.Pid, redisPID}})
	}
	body := `<?xml version="1.0"?><methodCall><methodName>inventory.GetItem</methodName><params><param><value><string>A-1</string></value></param></params></methodCall>`
	for range runs {
		for _, m := range modes {
			m.runs = append(m.runs, wrkCPU(work, m.url+"/xmlrpc", body, m.token, d, m.pids))
		}
	}
	mem := median(modes[0].runs)
	for _, m := range modes {
		r := median(m.runs)
		fmt.Printf("8 xmlrpc GetItem, %-24s %7.0f req/s (p99 %v, CPU %v/request with Redis's)  ratio to memory %.2f\n", m.name, r.rps, r.p99, r.cpuPerReq, r.rps/mem.rps)
	}
}

// engines are -only 9's engine comparison: the canned answers on
// fasthttp, and a gateway on net/http.
type engines struct {
	fastCeilURL, netURL, netToken string
	netPID                        int
}

func frontEnds(work, gwURL, ceilURL, token string, bodies map[string]string, d time.Duration, runs, gwPID int, e engines) {
	scenarios := []string{"1 xmlrpc GetItem", "2 soap GetItem", "2b soap ListItems", "9 json GetItem", "3 xmlrpc multicall"}
	type pair struct{ gateway, ceiling, fastCeiling, netGateway []result }
	got := make([]pair, len(scenarios))
	for range runs {
		for i, sc := range scenarios {
			p := &got[i]
			p.gateway = append(p.gateway, wrkCPU(work, gwURL+scenarioPath(sc), bodies[sc], token, d, []int{gwPID}))
			p.ceiling = append(p.ceiling, wrk(work, ceilURL+"/"+key(sc), bodies[sc], "", d))
			p.fastCeiling = append(p.fastCeiling, wrk(work, e.fastCeilURL+"/"+key(sc), bodies[sc], "", d))
			// A SOAP body carries the session: the other gateway's.
			p.netGateway = append(p.netGateway, wrkCPU(work, e.netURL+scenarioPath(sc), strings.ReplaceAll(bodies[sc], token, e.netToken), e.netToken, d, []int{e.netPID}))
		}
	}
	for i, sc := range scenarios {
		g, c, fc, ng := median(got[i].gateway), median(got[i].ceiling), median(got[i].fastCeiling), median(got[i].netGateway)
		fmt.Printf("%-18s gateway %7.0f req/s (p99 %v, CPU %v/request)  ceiling %7.0f req/s  ratio %.2f;  on net/http %7.0f req/s (CPU %v/request);  fasthttp canned %7.0f req/s\n",
			sc, g.rps, g.p99, g.cpuPerReq, c.rps, g.rps/c.rps, ng.rps, ng.cpuPerReq, fc.rps)
	}
}
