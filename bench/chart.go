package main

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// chart draws each system's ratio to the ceiling, one bar per measurement.
func chart(rs []result, path string) error {
	p := plot.New()
	p.Title.Text = "Requests/s as a ratio of the net/http ceiling (wrk -t1 -c32)"
	p.Y.Label.Text = "ratio to ceiling"
	values := make(plotter.Values, len(rs))
	labels := make([]string, len(rs))
	for i, r := range rs {
		values[i] = r.ratio
		labels[i] = fmt.Sprintf("%s\n%s", key(r.scenario), short(r.system))
	}
	bars, err := plotter.NewBarChart(values, vg.Points(22))
	if err != nil {
		return err
	}
	bars.Color = color.RGBA{R: 36, G: 87, B: 197, A: 255}
	p.Add(bars)
	p.NominalX(labels...)
	return p.Save(vg.Length(len(rs))*1.1*vg.Inch, 4*vg.Inch, path)
}

func short(system string) string {
	switch system {
	case ceilingName:
		return "ceiling"
	case "python SimpleXMLRPCServer":
		return "python"
	case "xmlrpc-c (C, Abyss)":
		return "xmlrpc-c"
	case "gSOAP (C)":
		return "gSOAP"
	case "gateway, Redis store":
		return "gw Redis"
	case fastCeilingName:
		return "fasthttp"
	case gatewayNetHTTP:
		return "gw net/http"
	}
	return system
}
