// The page talks to the public GraphQL API only; a signed-in token rides along as a bearer token.
const TOKEN_KEY = "modelgraph.token";

export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export async function gql(query, variables = {}, operationName = undefined) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables, operationName }),
    });
  } catch (exc) {
    throw new ApiError(`The service cannot be reached: ${exc.message}`, "UNAVAILABLE");
  }
  if (response.status === 401 || response.status === 403) {
    throw new ApiError("Not signed in, or not allowed: sign in with a token.", "UNAUTHENTICATED");
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`The service answered ${response.status} without JSON`, "INTERNAL");
  }
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    throw new ApiError(first.message, first.extensions?.code ?? "INTERNAL");
  }
  return body.data;
}
