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
		// arn:aws:sts::ACCT:assumed-role/ROLE/SESSION; principalId AROA…:SESSION
		if name := afterLast(id.ARN, "assumed-role/", '/'); name != "" {
			return name
		}
		if _, session, ok := strings.Cut(id.PrincipalID, ":"); ok && session != "" {
			return session
		}
	case "FederatedUser":
		// arn:aws:sts::ACCT:federated-user/NAME; principalId ACCT:NAME
		if name := afterLast(id.ARN, "federated-user/", '/'); name != "" {
			return name
		}
		if _, name, ok := strings.Cut(id.PrincipalID, ":"); ok && name != "" {
			return name
		}
	case "IAMUser":
		if id.UserName == "" {
			// arn:aws:iam::ACCT:user/PATH/NAME, for records that omit userName.
			return afterLast(id.ARN, ":user/", '/')
		}
	case "IdentityCenterUser":
		if id.UserName == "" {
			return id.OnBehalfOfUserID
		}
	}
	return id.UserName
}

// afterLast returns what follows the last sep in arn, provided arn contains
// marker (so a malformed or foreign ARN yields "").
func afterLast(arn, marker string, sep byte) string {
	i := strings.Index(arn, marker)
	if i < 0 {
		return ""
	}
	rest := arn[i+len(marker):]
	return rest[strings.LastIndexByte(rest, sep)+1:]
}
