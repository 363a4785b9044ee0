module github.com/genrec/genrec

go 1.23
