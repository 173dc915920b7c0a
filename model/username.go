package model

import "strings"

// DeriveUsername returns the user name LookupEvents reports for an identity
// (cloudtrail-api.md §4.4): the role session name for AssumedRole, "root"
// for Root, the federated name for FederatedUser, and userName otherwise.
// Services and other accounts have no user name unless the record gives one.
func DeriveUsername(id *Identity) string {
	switch id.Type {
	case "Root":
		return "root"
	case "AssumedRole":
		// arn:aws:sts::ACCT:assumed-role/ROLE/SESSION; principalId AROA…:SESSION.
		// An ARN without both parts (seen in scrubbed data) names no session.
		if role, session, ok := strings.Cut(afterMarker(id.ARN, "assumed-role/"), "/"); ok && role != "" && session != "" {
			return session[strings.LastIndexByte(session, '/')+1:]
		}
		if _, session, ok := strings.Cut(id.PrincipalID, ":"); ok && session != "" {
			return session
		}
	case "FederatedUser":
		// arn:aws:sts::ACCT:federated-user/NAME; principalId ACCT:NAME
		if name := afterMarker(id.ARN, "federated-user/"); name != "" && !strings.Contains(name, "/") {
			return name
		}
		if _, name, ok := strings.Cut(id.PrincipalID, ":"); ok && name != "" {
			return name
		}
	case "IAMUser":
		if id.UserName == "" {
			// arn:aws:iam::ACCT:user/PATH/NAME, for records that omit userName.
			name := afterMarker(id.ARN, ":user/")
			return name[strings.LastIndexByte(name, '/')+1:]
		}
	case "IdentityCenterUser":
		if id.UserName == "" {
			return id.OnBehalfOfUserID
		}
	}
	return id.UserName
}

// afterMarker returns what follows marker in arn, or "" when arn lacks it.
func afterMarker(arn, marker string) string {
	if i := strings.Index(arn, marker); i >= 0 {
		return arn[i+len(marker):]
	}
	return ""
}

// Who names the caller for people to read (the list, table and csv): the
// user name LookupEvents reports, or for a caller it gives none but the
// record names, that name. Another AWS account (an AWSAccount identity,
// as in a cross-account AssumeRole) shows as "account 111122223333",
// else by its principal id. Username itself stays LookupEvents' value,
// which user= is pushed down as and user: matches.
func Who(e *Event) string {
	if e.Username != "" {
		return e.Username
	}
	if id := &e.Identity; id.Type == "AWSAccount" {
		switch {
		case id.AccountID != "":
			return "account " + id.AccountID
		case id.PrincipalID != "":
			return "principal " + id.PrincipalID
		}
	}
	return ""
}
