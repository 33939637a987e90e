"""ecrrepl: Amazon ECR registry replication as code."""

__version__ = "0.1.0"
