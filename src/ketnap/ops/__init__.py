"""Operations: backup and restore of a ketnap installation (`ketnap backup`, `ketnap restore`). No models, no views."""
