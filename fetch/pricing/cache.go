package pricing

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"lazytrail/model"
)

// The cache is one JSON file of unit prices, each with the date it was
// read, so that a price list read once serves later runs offline and the
// estimate can say how old its prices are. Prices are public: the file
// holds nothing about the account.

const cacheVersion = 1

type cacheFile struct {
	Version int          `json:"version"`
	Prices  []cacheEntry `json:"prices"`
}

type cacheEntry struct {
	Kind    model.CostKind  `json:"kind"`
	Region  string          `json:"region"`
	Size    string          `json:"size"`
	USD     float64         `json:"usd"`
	Per     model.PriceUnit `json:"per"`
	Fetched time.Time       `json:"fetched"`
}

// DefaultCachePath is where prices are kept between runs:
// $XDG_CACHE_HOME/lazytrail/prices.json (or the platform's cache
// directory).
func DefaultCachePath() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "lazytrail", "prices.json"), nil
}

// loadCache reads the file; a missing file is an empty cache, and so is
// one that does not parse or has another version (it is rewritten on the
// next save).
func loadCache(path string) map[model.PriceKey]model.Price {
	out := map[model.PriceKey]model.Price{}
	b, err := os.ReadFile(path)
	if err != nil {
		return out
	}
	var f cacheFile
	if json.Unmarshal(b, &f) != nil || f.Version != cacheVersion {
		return out
	}
	for _, e := range f.Prices {
		out[model.PriceKey{Kind: e.Kind, Region: e.Region, Size: e.Size}] = model.Price{USD: e.USD, Per: e.Per, Fetched: e.Fetched}
	}
	return out
}

// saveCache writes the file whole through a temporary file and a rename,
// so a reader never sees half of it.
func saveCache(path string, prices map[model.PriceKey]model.Price) error {
	f := cacheFile{Version: cacheVersion}
	for k, p := range prices {
		f.Prices = append(f.Prices, cacheEntry{Kind: k.Kind, Region: k.Region, Size: k.Size, USD: p.USD, Per: p.Per, Fetched: p.Fetched.UTC()})
	}
	sortEntries(f.Prices)
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".prices-*.json")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return errors.Join(werr, cerr)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

func sortEntries(es []cacheEntry) {
	slices.SortFunc(es, func(a, b cacheEntry) int {
		return strings.Compare(string(a.Kind)+"\x00"+a.Region+"\x00"+a.Size, string(b.Kind)+"\x00"+b.Region+"\x00"+b.Size)
	})
}
