package pricing

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"lazytrail/fetch/localtrail"
	"lazytrail/model"
)

// The prices of the demo's resources on AWS's pricing pages (on-demand,
// Linux, shared tenancy, Single-AZ), written here independently of the
// local endpoint's catalogue and of the pricer's filters.
var demoPrices = []struct {
	key model.PriceKey
	usd float64
	per model.PriceUnit
}{
	{model.PriceKey{Kind: model.CostEC2Instance, Region: "us-west-2", Size: "g5.2xlarge"}, 1.212, model.PerHour},
	{model.PriceKey{Kind: model.CostEC2Instance, Region: "eu-west-1", Size: "t3.medium"}, 0.0456, model.PerHour},
	{model.PriceKey{Kind: model.CostEC2Instance, Region: "us-west-2", Size: "t3.large"}, 0.0832, model.PerHour},
	{model.PriceKey{Kind: model.CostEC2Instance, Region: "us-west-2", Size: "m5.large"}, 0.096, model.PerHour},
	{model.PriceKey{Kind: model.CostEC2Instance, Region: "us-west-2", Size: "c5.large"}, 0.085, model.PerHour},
	{model.PriceKey{Kind: model.CostEBSVolume, Region: "us-west-2", Size: "gp3"}, 0.08, model.PerGBMonth},
	{model.PriceKey{Kind: model.CostEBSVolume, Region: "us-west-2", Size: "gp2 20 GiB"}, 0.10, model.PerGBMonth},
	{model.PriceKey{Kind: model.CostElasticIP, Region: "us-east-1"}, 0.005, model.PerHour},
	{model.PriceKey{Kind: model.CostElasticIP, Region: "eu-west-1", Size: "vpc"}, 0.005, model.PerHour},
	{model.PriceKey{Kind: model.CostNATGateway, Region: "us-east-1"}, 0.045, model.PerHour},
	{model.PriceKey{Kind: model.CostNATGateway, Region: "eu-west-1", Size: "public"}, 0.048, model.PerHour},
	{model.PriceKey{Kind: model.CostLoadBalancer, Region: "us-east-1", Size: "application"}, 0.0225, model.PerHour},
	{model.PriceKey{Kind: model.CostLoadBalancer, Region: "eu-west-1", Size: "network"}, 0.0252, model.PerHour},
	{model.PriceKey{Kind: model.CostRDSInstance, Region: "us-east-1", Size: "db.t3.micro mysql"}, 0.017, model.PerHour},
	{model.PriceKey{Kind: model.CostRDSInstance, Region: "eu-west-1", Size: "db.m5.large postgres"}, 0.191, model.PerHour},
	{model.PriceKey{Kind: model.CostRDSInstance, Region: "eu-west-1", Size: "db.m5.xlarge postgres"}, 0.382, model.PerHour},
	{model.PriceKey{Kind: model.CostEKSCluster, Region: "us-west-2", Size: "1.31"}, 0.10, model.PerHour},
}

// endpoint serves the local Price List and returns its URL and server.
func endpoint(t *testing.T) (string, *localtrail.Server) {
	t.Helper()
	srv := localtrail.New(nil, localtrail.Options{Quota: -1})
	url, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	return url, srv
}

func config() aws.Config {
	return aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDLOCAL", "secret", ""),
		RetryMaxAttempts: 1}
}

func keys() []model.PriceKey {
	var ks []model.PriceKey
	for _, p := range demoPrices {
		ks = append(ks, p.key)
	}
	return ks
}

func TestPricesTheDemoThroughTheSDK(t *testing.T) {
	url, srv := endpoint(t)
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	cache := filepath.Join(t.TempDir(), "prices.json")
	p := New(config(), Options{Endpoint: url, CachePath: cache, Now: func() time.Time { return now }})
	unknown := model.PriceKey{Kind: model.CostEC2Instance, Region: "eu-west-1", Size: "g9.huge"}
	oracle := model.PriceKey{Kind: model.CostRDSInstance, Region: "us-east-1", Size: "db.m5.large oracle-ee"}
	byUse := model.PriceKey{Kind: model.CostNone, Region: "us-east-1"}
	got, misses := p.Prices(context.Background(), append(keys(), unknown, oracle, byUse, demoPrices[0].key))
	for _, w := range demoPrices {
		g, ok := got[w.key]
		if !ok || g.USD != w.usd || g.Per != w.per || !g.Fetched.Equal(now) {
			t.Errorf("%+v: %+v (found %v), want $%g per %s fetched %s", w.key, g, ok, w.usd, w.per, now)
		}
	}
	want := map[model.PriceKey]string{
		unknown: "not in the Price List",
		oracle:  `engine "oracle-ee" not priced`,
		byUse:   "no hourly price",
	}
	if len(misses) != len(want) {
		t.Errorf("misses %+v, want %d", misses, len(want))
	}
	for _, m := range misses {
		if !strings.Contains(m.Reason, want[m.Key]) || want[m.Key] == "" {
			t.Errorf("miss %+v, want a reason with %q", m, want[m.Key])
		}
	}
	rows := []model.LedgerRow{{ResourceType: "AWS::EC2::Instance", Region: "eu-west-1", Size: "g9.huge", RunningHours: 5}}
	model.ApplyPrices(rows, got, misses)
	if rows[0].CostNote != "no price for g9.huge in eu-west-1: not in the Price List" {
		t.Errorf("the ledger's note: %q", rows[0].CostNote)
	}
	// One call per key the pricer can ask about, duplicates asked once.
	if n := srv.PricingRequests(); n != len(demoPrices)+1 {
		t.Errorf("%d GetProducts requests, want %d", n, len(demoPrices)+1)
	}

	// The cache file holds every price with its fetch date.
	var file struct {
		Prices []struct {
			Kind, Region, Size string
			USD                float64
			Fetched            time.Time
		}
	}
	b, err := os.ReadFile(cache)
	if err != nil || json.Unmarshal(b, &file) != nil {
		t.Fatalf("cache file: %v\n%s", err, b)
	}
	if len(file.Prices) != len(demoPrices) {
		t.Errorf("%d cached prices, want %d", len(file.Prices), len(demoPrices))
	}
	for _, e := range file.Prices {
		if !e.Fetched.Equal(now) || e.USD <= 0 {
			t.Errorf("cached %+v", e)
		}
	}
}

// TestCacheServesOffline: prices read once are answered again with their
// first date when the endpoint is gone; past MaxAge a failed refresh keeps
// the old price; a key never read is a clear miss.
func TestCacheServesOffline(t *testing.T) {
	url, srv := endpoint(t)
	fetched := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	cache := filepath.Join(t.TempDir(), "lazytrail", "prices.json")
	first := New(config(), Options{Endpoint: url, CachePath: cache, Now: func() time.Time { return fetched }})
	if _, misses := first.Prices(context.Background(), keys()); len(misses) != 0 {
		t.Fatalf("misses %+v", misses)
	}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, later := range []time.Duration{24 * time.Hour, 90 * 24 * time.Hour} { // fresh, then stale
		now := fetched.Add(later)
		p := New(config(), Options{Endpoint: url, CachePath: cache, Now: func() time.Time { return now }})
		got, misses := p.Prices(context.Background(), keys())
		if len(misses) != 0 {
			t.Errorf("after %s: misses %+v", later, misses)
		}
		for _, w := range demoPrices {
			if g := got[w.key]; g.USD != w.usd || !g.Fetched.Equal(fetched) {
				t.Errorf("after %s: %+v is %+v, want $%g from %s", later, w.key, g, w.usd, fetched)
			}
		}
	}
	never := model.PriceKey{Kind: model.CostEC2Instance, Region: "us-east-1", Size: "t3.micro"}
	p := New(config(), Options{Endpoint: url, CachePath: cache})
	got, misses := p.Prices(context.Background(), append(keys(), never))
	if len(got) != len(demoPrices) || len(misses) != 1 || misses[0] != (model.PriceMiss{Reason: "offline and not cached"}) {
		t.Errorf("an uncached key offline: %d prices, misses %+v; want the cached prices and one miss for the whole", len(got), misses)
	}
	rows := []model.LedgerRow{{ResourceType: "AWS::EC2::Instance", Region: "us-east-1", Size: "t3.micro", RunningHours: 5}}
	model.ApplyPrices(rows, got, misses)
	if rows[0].CostNote != "pricing not available: offline and not cached" {
		t.Errorf("the ledger's note: %q", rows[0].CostNote)
	}
}

func TestAccessDeniedIsOneClearMiss(t *testing.T) {
	url, srv := endpoint(t)
	srv.SetPricingDenied(true)
	p := New(config(), Options{Endpoint: url, CachePath: "-"})
	got, misses := p.Prices(context.Background(), keys())
	if len(got) != 0 || len(misses) != 1 || misses[0] != (model.PriceMiss{Reason: "no pricing:GetProducts permission"}) {
		t.Fatalf("%d prices, misses %+v; want one miss for the whole", len(got), misses)
	}
	// The first denial stops the asking: at most the calls already in flight.
	if n := srv.PricingRequests(); n > parallel {
		t.Errorf("%d requests after a denial; want at most %d", n, parallel)
	}
}

func TestDefaultCachePathIsTheXDGCache(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	got, err := DefaultCachePath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "lazytrail", "prices.json"); got != want && !strings.HasSuffix(got, filepath.Join("lazytrail", "prices.json")) {
		t.Errorf("cache path %s, want %s", got, want)
	}
}
