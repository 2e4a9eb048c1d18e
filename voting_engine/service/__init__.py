"""Service layer: the use cases of administrators, registrars, trustees and voters.

A thin shell around the pure core: each use case opens one transaction, loads what it needs,
calls the domain and core modules, and writes the result, so that a failed request leaves no
partial row.
"""
