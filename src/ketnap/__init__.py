"""ketnap: công tác phát triển đảng viên."""
