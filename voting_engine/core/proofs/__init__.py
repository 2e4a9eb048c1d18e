"""Zero-knowledge proofs made non-interactive by strong Fiat–Shamir."""
