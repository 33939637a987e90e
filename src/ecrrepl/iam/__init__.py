"""`ecrrepl iam`: the IAM permissions ecrrepl needs in each account, offline."""
