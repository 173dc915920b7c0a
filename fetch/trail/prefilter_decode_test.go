package trail

import (
	"reflect"
	"strings"
	"testing"

	"lazytrail/model"
)

// FuzzDecodeKeep: decoding with a Keep filter's prefilter gives, of the
// events the filter matches, exactly those decoding without it gives,
// equal field by field, in the same order, whatever the input and the
// filter.
func FuzzDecodeKeep(f *testing.F) {
	a := `{"eventID":"a","eventTime":"2024-01-01T00:00:03Z","eventName":"RunInstances","userIdentity":{"type":"IAMUser","userName":"adam"}}`
	b := `{"eventID":"b","eventTime":"2024-01-01T00:00:02Z","eventName":"AssumeRole","userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"}}`
	for _, s := range []string{
		`{"Records":[` + a + `,` + b + `]}`,
		a + "\n" + b + "\n",
		"[" + a + ",\n\t" + strings.Replace(b, "AssumeRole", `Assume\u0052ole`, 1) + "]",
		`{"Events":[{"EventId":"x","Username":"adam","CloudTrailEvent":"{\"eventTime\":\"2024-01-01T00:00:00Z\"}"}]}`,
	} {
		for _, filter := range []string{"user:adam", "user:root event:Assume", "-user:adam", "event=RunInstances,AssumeRole", "raw:Root"} {
			f.Add(s, filter)
		}
	}
	f.Fuzz(func(t *testing.T, in, filter string) {
		keep := model.ParseFilter(filter)
		var want, got []model.Event
		decodeStream("f", strings.NewReader(in), false, 0, nil, func(e model.Event) {
			if keep.Match(&e) {
				want = append(want, e)
			}
		})
		decodeStream("f", strings.NewReader(in), false, 0, model.NewPrefilter(keep), func(e model.Event) {
			if keep.Match(&e) {
				got = append(got, e)
			}
		})
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("with the prefilter of %q: %d events, without: %d (or they differ)", filter, len(got), len(want))
		}
	})
}
