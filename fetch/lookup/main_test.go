package lookup

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test must leave no goroutine behind: streams, SDK clients, their
// connections and the test endpoints included.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
