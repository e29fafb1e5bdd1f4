// billing-service's pure models live in this folder (see issue 4).
