"""HTTP entrypoint (aiohttp): routes, authentication, rate limits, JSON errors, OpenAPI."""
