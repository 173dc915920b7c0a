// Command lazytrail is a terminal UI for AWS CloudTrail event history.
package main

func main() {}
