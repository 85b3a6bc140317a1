"""Every write to candidates, positions, applications, prior records and portal accounts, one module
per aggregate."""
