"""Every write to interviews and everything hanging off them, one module per aggregate."""
