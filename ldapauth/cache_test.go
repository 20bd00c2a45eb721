package ldapauth

import (
	"fmt"
	"testing"
	"time"
)

// TestTTLCache: a value is served until its TTL has passed, a zero TTL
// keeps nothing, and a full cache is emptied rather than grown.
func TestTTLCache(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	clock := func() time.Time { return now }
	c := newTTLCache[string](time.Minute, 3, clock)
	c.put("bob", "uid=bob")
	now = now.Add(59 * time.Second)
	if v, ok := c.get("bob"); !ok || v != "uid=bob" {
		t.Errorf("within the TTL: %q %v", v, ok)
	}
	now = now.Add(time.Second)
	if _, ok := c.get("bob"); ok {
		t.Error("served at its TTL")
	}
	c = newTTLCache[string](time.Minute, 3, clock)
	for i := range 3 {
		c.put(fmt.Sprint("user", i), "dn")
	}
	c.put("carol", "uid=carol") // the fourth: the cache is emptied first
	if _, ok := c.get("user0"); ok || len(c.entries) != 1 {
		t.Errorf("a full cache kept %d entries", len(c.entries))
	}
	if v, ok := c.get("carol"); !ok || v != "uid=carol" {
		t.Errorf("the entry put into an emptied cache: %q %v", v, ok)
	}

	off := newTTLCache[string](0, 3, clock)
	off.put("bob", "uid=bob")
	if _, ok := off.get("bob"); ok || len(off.entries) != 0 {
		t.Error("a zero TTL kept a value")
	}
}
