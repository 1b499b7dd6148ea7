# musl has one locale; UTF-8 everywhere.
export LANG=C.UTF-8
export CHARSET=UTF-8
