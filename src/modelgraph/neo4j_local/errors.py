"""Errors of the local Neo4j launcher."""


class LocalNeo4jError(Exception):
    """A problem the user can fix; the message is meant to be shown as is, without a traceback."""
