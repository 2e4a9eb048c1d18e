"""Trustee-side tools: the passphrase-encrypted vault that holds a trustee's secret share on disk."""
