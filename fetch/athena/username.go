package athena

import "strings"

// usernameSQL is model.DeriveUsername in SQL: the user name LookupEvents
// reports, which user: prefixes match on every source. A prefix of a role
// session name (skeddly-) must select the same rows here as on the
// stream, so each branch follows DeriveUsername's, case by case:
//
//	Root                -> root
//	AssumedRole         -> the last part of the session in arn …:assumed-role/ROLE/SESSION,
//	                       else what follows the first ':' of principalId, else userName
//	FederatedUser       -> NAME in arn …:federated-user/NAME (no '/'), else as above
//	IAMUser             -> userName, else the last part of arn …:user/PATH/NAME
//	IdentityCenterUser  -> userName, else onBehalfOf.userId
//	anything else       -> userName
//
// The regular expressions use only what RE2 (DuckDB) and Joni (Trino)
// read alike: classes, groups, (?:…) and a lazy .*? for the first marker.
func usernameSQL(onBehalfOf bool) string {
	arn := "coalesce(useridentity.arn, '')"
	principal := "coalesce(useridentity.principalid, '')"
	name := "coalesce(useridentity.username, '')"
	afterColon := "nullif(regexp_extract(" + principal + ", '^[^:]*:(.+)$', 1), '')"
	onBehalf := "''"
	if onBehalfOf {
		onBehalf = "coalesce(useridentity.onbehalfof.userid, '')"
	}
	r := strings.NewReplacer("ARN", arn, "NAME", name, "AFTERCOLON", afterColon, "ONBEHALF", onBehalf)
	return r.Replace(`(CASE coalesce(useridentity.type, '')` +
		` WHEN 'Root' THEN 'root'` +
		` WHEN 'AssumedRole' THEN coalesce(nullif(regexp_extract(ARN, '^.*?assumed-role/[^/]+/(?:.*/)?([^/]*)$', 1), ''), AFTERCOLON, NAME)` +
		` WHEN 'FederatedUser' THEN coalesce(nullif(regexp_extract(ARN, '^.*?federated-user/([^/]+)$', 1), ''), AFTERCOLON, NAME)` +
		` WHEN 'IAMUser' THEN (CASE WHEN NAME = '' THEN coalesce(regexp_extract(ARN, '^.*?:user/(?:.*/)?([^/]*)$', 1), '') ELSE NAME END)` +
		` WHEN 'IdentityCenterUser' THEN (CASE WHEN NAME = '' THEN ONBEHALF ELSE NAME END)` +
		` ELSE NAME END)`)
}
