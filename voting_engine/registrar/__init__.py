"""Registrar side: eligibility rolls, credential issuance and self-service identity checks.

Identities (person ids, regions, ages) live only in the registrar's own tables; what leaves this
package for the published record is public credentials, grouped by voter group.
"""
