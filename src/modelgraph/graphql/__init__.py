"""The Strawberry GraphQL layer: types, queries, mutations, loaders, context and errors."""
