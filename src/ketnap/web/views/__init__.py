"""The screens, a module per domain. Each view fetches what it shows through the request's Scope
(ketnap.scope), so anything outside it is 404, and changes data only through its domain's services."""
