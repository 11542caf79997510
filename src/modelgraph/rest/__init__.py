"""Kubeflow Model Registry compatible REST API over the same store."""
