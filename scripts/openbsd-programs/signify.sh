# SPDX-License-Identifier: MIT
# signify-openbsd: OpenBSD's signify(1). Sourced by scripts/openbsd-programs.sh.
#
# Debian builds it with PLEDGE=noop (pledge_noop.c, a pledge() that does
# nothing); the pledged build leaves that file out (PLEDGE=) so signify.c's
# own pledge() calls reach libscopes.
PKG=signify-openbsd
DEPS=(libbsd-dev pkg-config)
BINS=(signify)
SRCDIRS=.
DESCRIPTION="signify(1): the package's own regress suite (regress/run: sign, verify, a forgery, embedded signatures, checksum lists, gzip signatures), then a scripted use: key generation, signing, verifying, a tampered message, a wrong key, -C over a checksum list with a changed file."

build() {
	if [ "$1" = pledged ]; then
		make -j2 PLEDGE= EXTRA_CFLAGS="$OBSD_CFLAGS $PLEDGE_CPPFLAGS" LDLIBS="$PLEDGE_LIBS"
	else
		make -j2 EXTRA_CFLAGS="$OBSD_CFLAGS"
	fi
}

# run BUILD WORK: prints what is compared
run() {
	local b=$1 w=$2 rc
	cp -a "$b/regress" "$w/regress"
	# regress/signify.sh tars its own directory, in which tar is writing
	# out/archive.tgz: "file changed as we read it" now and then, pledged or
	# not. Leave out/ out of the archive (the same in both builds).
	sed -i 's#tar zcPf archive.tgz \$srcdir#tar zcPf archive.tgz --exclude=out $srcdir#' \
		"$w/regress/signify.sh"
	ln -s "$b/signify" "$w/signify"
	echo "== regress/run"
	sh "$w/regress/run" 2>&1
	echo "status $?"
	cd "$w"
	local s=$b/signify
	echo "== generate, sign, verify"
	$s -G -n -c "test key" -p key.pub -s key.sec; echo "status $?"
	$s -G -n -c "other key" -p other.pub -s other.sec; echo "status $?"
	head -c 100000 /dev/zero | tr '\0' 'x' >message.txt
	$s -S -s key.sec -m message.txt; echo "status $?"
	$s -V -p key.pub -m message.txt; echo "status $?"
	echo "== a tampered message"
	echo tampered >>message.txt
	$s -V -p key.pub -m message.txt; echo "status $?"
	echo "== the wrong key"
	$s -S -s other.sec -m message.txt -x other.sig; echo "status $?"
	$s -V -p key.pub -m message.txt -x other.sig; echo "status $?"
	echo "== embedded signature"
	$s -S -e -s key.sec -m key.pub -x key.pub.sig; echo "status $?"
	$s -V -e -p key.pub -x key.pub.sig -m extracted; echo "status $?"
	cmp key.pub extracted; echo "cmp $?"
	echo "== checksum list"
	echo one >a.txt; echo two >b.txt
	sha256sum --tag a.txt b.txt >SHA256
	$s -S -e -s key.sec -m SHA256 -x SHA256.sig; echo "status $?"
	$s -C -p key.pub -x SHA256.sig; echo "status $?"
	echo changed >b.txt
	$s -C -p key.pub -x SHA256.sig; echo "status $?"
	$s -C -p key.pub -x SHA256.sig a.txt; echo "status $?"
	echo "== no verb: usage"
	$s -p key.pub; echo "status $?"
	return 0
}
