# An example policy for ecrrepl plans, for OPA or conftest.
#
# It reads the plan `ecrrepl diff --format json` prints, or the plan file
# `ecrrepl diff --out plan.json` saves (which holds the same `changes`), and refuses:
# - a plan in a format other than the one it was written for;
# - any deletion: the last replication rules of a registry, an ecrrepl statement of a
#   registry policy (creation templates are never deleted);
# - a replication destination in another AWS partition than its source registry.
#
#   ecrrepl diff --format json ecrrepl.yaml > plan.json
#   conftest test --namespace ecrrepl.plan --policy docs/policy plan.json
#   opa eval --fail-defined --data docs/policy --input plan.json 'data.ecrrepl.plan.deny[x]'
#
# The fields it reads are documented in the README ("The plan as JSON"); a test checks
# that each path it uses exists in ecrrepl's output.
package ecrrepl.plan

import rego.v1

deny contains msg if {
	input.format_version != 3
	msg := sprintf("the plan has format %v; this policy reads format 3", [input.format_version])
}

deny contains msg if {
	some change in input.changes
	change.action == "delete"
	msg := sprintf("%s would be deleted: %s", [change.address, concat("; ", change.effects)])
}

deny contains msg if {
	some change in input.changes
	change.type == "replication_configuration"
	some rule in change.after.rules
	some destination in rule.destinations
	partition(destination.region) != partition(change.region)
	msg := sprintf(
		"%s would replicate to %s in %s, another partition than %s",
		[change.address, destination.registryId, destination.region, change.region],
	)
}

# The partition of a region, by the region patterns of botocore's partitions.json.
partition(region) := "aws-cn" if {
	regex.match(`^cn-`, region)
} else := "aws-us-gov" if {
	regex.match(`^us-gov-`, region)
} else := "aws-iso" if {
	regex.match(`^us-iso-`, region)
} else := "aws-iso-b" if {
	regex.match(`^us-isob-`, region)
} else := "aws-iso-e" if {
	regex.match(`^eu-isoe-`, region)
} else := "aws-iso-f" if {
	regex.match(`^us-isof-`, region)
} else := "aws-eusc" if {
	regex.match(`^eusc-`, region)
} else := "aws"
