package localtrail

// Fault makes one region misbehave in reproducible ways. Every knob is
// counter-based, never random: requests (and served events) are counted
// per region from the moment SetFault is called, so "every 3rd request" is
// the 3rd, 6th, 9th… request after that call. Knobs compose; a request
// meets them in this order: AccessDenied, UnrecognizedClient, the quota,
// ThrottleEvery, InternalEvery, Hang/HangEvery, then validation and paging
// (ExpireTokenAfter, DuplicateAcrossPages, MalformedEvery). The zero Fault
// is a healthy region.
type Fault struct {
	// AccessDenied answers every request with 400 AccessDeniedException,
	// like a region an SCP or IAM policy denies.
	AccessDenied bool

	// UnrecognizedClient answers every request with 400
	// UnrecognizedClientException, like an opt-in region that is not
	// enabled for the account.
	UnrecognizedClient bool

	// InternalEvery N answers every Nth request with HTTP 500
	// InternalFailure (N=1: always), which the SDK retries.
	InternalEvery int

	// ThrottleEvery N answers every Nth request with ThrottlingException
	// "Rate exceeded", on top of the quota (N=3: a third of the requests,
	// a throttling storm).
	ThrottleEvery int

	// Hang blocks every request until the client gives up (its context or
	// connection ends) or the server shuts down; nothing is answered.
	Hang bool
	// HangEvery N hangs every Nth request the same way.
	HangEvery int

	// MalformedEvery k makes the CloudTrailEvent string of every kth event
	// served invalid JSON (the record cut in half); the lookup fields stay
	// right. k=1: every event.
	MalformedEvery int

	// DuplicateAcrossPages repeats the last event of each page as the first
	// event of the next page, as a misbehaving paginator would see it
	// (pages of MaxResults 1 are left alone: they could never advance).
	DuplicateAcrossPages bool

	// ExpireTokenAfter N refuses the NextToken handed out with a query's
	// Nth page (and any later one) with InvalidNextTokenException, like a
	// token that expired mid-query. A fresh query starts counting again.
	ExpireTokenAfter int
}

// every reports whether the nth occurrence (1-based) hits a period of n.
func every(period int, nth uint64) bool {
	return period > 0 && nth%uint64(period) == 0
}
