package lookup

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

// Attribute is one exact LookupEvents attribute, pushed down to the API
// (it takes at most one per call).
type Attribute struct{ Key, Value string }

// attributeKeys are the keys LookupEvents accepts, spelled as the API wants
// them: the service matches keys case-sensitively and the SDK does not check.
var attributeKeys = func() []string {
	var keys []string
	for _, k := range types.LookupAttributeKey("").Values() {
		keys = append(keys, string(k))
	}
	return keys
}()

// ParseAttribute reads KEY=VALUE as given to --lookup, e.g.
// "EventName=RunInstances". The key is matched case-insensitively and
// returned in its canonical spelling; the value is kept exactly.
func ParseAttribute(s string) (Attribute, error) {
	key, value, ok := strings.Cut(s, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return Attribute{}, fmt.Errorf("lookup %q is not KEY=VALUE (keys: %s)", s, strings.Join(attributeKeys, ", "))
	}
	if value == "" {
		return Attribute{}, fmt.Errorf("lookup %q has no value after '=' (LookupEvents matches it exactly)", s)
	}
	for _, k := range attributeKeys {
		if strings.EqualFold(k, key) {
			return Attribute{Key: k, Value: value}, nil
		}
	}
	return Attribute{}, fmt.Errorf("lookup key %q is not one LookupEvents takes; use one of %s", key, strings.Join(attributeKeys, ", "))
}

// String is the KEY=VALUE form ParseAttribute reads.
func (a Attribute) String() string { return a.Key + "=" + a.Value }

func (a *Attribute) lookupAttributes() []types.LookupAttribute {
	if a == nil {
		return nil
	}
	key, value := a.Key, a.Value
	return []types.LookupAttribute{{AttributeKey: types.LookupAttributeKey(key), AttributeValue: &value}}
}
