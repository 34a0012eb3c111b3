/* SPDX-License-Identifier: MIT */
/*
 * Symbol tables for the SIGSYS handler (see symbols.h).
 *
 * Everything is read and sorted at load time into arrays that are never
 * freed or changed afterwards: the handler may read them from any thread at
 * any moment, so they are published once (release store) and only read.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbols.h"

#define MODULES_MAX 1024
#define BUILD_ID_MAX 64
#define DEBUG_DIR "/usr/lib/debug/.build-id/"

struct sym {
	uint64_t addr; /* ELF virtual address */
	uint64_t size;
	uint32_t name; /* offset in the module's names */
	unsigned char bind;
};

struct sym_module {
	uintptr_t bias, lo, hi; /* loaded segments: [lo, hi) */
	char *path;
	struct sym *syms;
	size_t nsyms;
	char *names;
};

static struct sym_module *modules;
static size_t nmodules;
static size_t nsymbols;

/* ------------------------------------------------------------ ELF reading */

struct symvec {
	struct sym *v;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

static int symvec_add(struct symvec *sv, uint64_t addr, uint64_t size, unsigned char bind,
		      const char *name, size_t len)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 256;
		struct sym *v = realloc(sv->v, cap * sizeof(*v));
		if (!v)
			return -1;
		sv->v = v;
		sv->cap = cap;
	}
	if (sv->names_len + len + 1 > sv->names_cap || sv->names_len + len + 1 > UINT32_MAX) {
		size_t cap = sv->names_cap ? sv->names_cap * 2 : 4096;
		while (cap < sv->names_len + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX)
			return -1;
		char *names = realloc(sv->names, cap);
		if (!names)
			return -1;
		sv->names = names;
		sv->names_cap = cap;
	}
	memcpy(sv->names + sv->names_len, name, len);
	sv->names[sv->names_len + len] = '\0';
	sv->v[sv->n++] = (struct sym){ addr, size, (uint32_t)sv->names_len, bind };
	sv->names_len += len + 1;
	return 0;
}

static const Elf64_Shdr *section(const unsigned char *data, size_t size, const Elf64_Ehdr *eh,
				 size_t i)
{
	if (i >= eh->e_shnum)
		return NULL;
	size_t off = (size_t)eh->e_shoff + i * sizeof(Elf64_Shdr);
	if (off + sizeof(Elf64_Shdr) > size)
		return NULL;
	return (const Elf64_Shdr *)(data + off);
}

/*
 * Add the function symbols of the image's symbol table of type `type`
 * (SHT_SYMTAB or SHT_DYNSYM). Every offset is checked against size: a
 * truncated or hostile file gives no symbols, never a crash.
 * Returns 1 if the table was found, 0 if not, -1 on allocation failure.
 */
static int elf_symbols(const unsigned char *data, size_t size, uint32_t type, struct symvec *sv)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shoff == 0 || eh->e_shoff >= size)
		return 0;
	for (size_t i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *sh = section(data, size, eh, i);
		if (!sh || sh->sh_type != type)
			continue;
		const Elf64_Shdr *str = section(data, size, eh, sh->sh_link);
		if (!str || sh->sh_entsize != sizeof(Elf64_Sym) || sh->sh_offset > size ||
		    sh->sh_size > size - sh->sh_offset || str->sh_offset > size ||
		    str->sh_size > size - str->sh_offset || str->sh_type == SHT_NOBITS ||
		    sh->sh_type == SHT_NOBITS)
			return 0;
		const Elf64_Sym *syms = (const Elf64_Sym *)(data + sh->sh_offset);
		const char *strs = (const char *)(data + str->sh_offset);
		size_t n = sh->sh_size / sizeof(Elf64_Sym);
		for (size_t k = 0; k < n; k++) {
			const Elf64_Sym *s = &syms[k];
			unsigned t = ELF64_ST_TYPE(s->st_info);
			if ((t != STT_FUNC && t != STT_GNU_IFUNC) || s->st_shndx == SHN_UNDEF ||
			    s->st_value == 0 || s->st_name >= str->sh_size)
				continue;
			const char *nm = strs + s->st_name;
			size_t len = strnlen(nm, str->sh_size - s->st_name);
			if (len == 0 || len == str->sh_size - s->st_name)
				continue;
			/* a versioned definition in .symtab reads "name@@VERSION":
			 * the version says nothing about where the code is */
			const char *at = memchr(nm, '@', len);
			if (at && at != nm)
				len = (size_t)(at - nm);
			if (symvec_add(sv, s->st_value, s->st_size, ELF64_ST_BIND(s->st_info), nm,
				       len) != 0)
				return -1;
		}
		return 1;
	}
	return 0;
}

/* Map a file read-only and take its symbols of `type`. Same returns. */
static int file_symbols(const char *path, uint32_t type, struct symvec *sv)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			rc = elf_symbols(map, (size_t)st.st_size, type, sv);
			munmap(map, (size_t)st.st_size);
		}
	}
	close(fd);
	return rc;
}

/* ------------------------------------------------------- sorting, picking */

static const char *sort_names; /* qsort has no context argument */

/* Among aliases at one address, name the one a reader knows: global before
 * weak before local, then fewer leading underscores, then shorter. */
static int alias_rank(const struct sym *s, const char *names)
{
	const char *n = names + s->name;
	int under = 0;
	while (n[under] == '_')
		under++;
	int bind = s->bind == STB_GLOBAL ? 0 : s->bind == STB_WEAK ? 1 : 2;
	size_t len = strlen(n);
	return bind * 1000000 + under * 10000 + (int)(len < 9999 ? len : 9999);
}

static int sym_cmp(const void *pa, const void *pb)
{
	const struct sym *a = pa, *b = pb;
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	int ra = alias_rank(a, sort_names), rb = alias_rank(b, sort_names);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp(sort_names + a->name, sort_names + b->name);
}

/* Sort by address and keep one name per address. */
static void symvec_finish(struct symvec *sv)
{
	if (!sv->n)
		return;
	sort_names = sv->names;
	qsort(sv->v, sv->n, sizeof(*sv->v), sym_cmp);
	size_t w = 1;
	for (size_t i = 1; i < sv->n; i++) {
		if (sv->v[i].addr == sv->v[w - 1].addr) {
			if (sv->v[w - 1].size == 0)
				sv->v[w - 1].size = sv->v[i].size;
			continue;
		}
		sv->v[w++] = sv->v[i];
	}
	sv->n = w;
}

/* --------------------------------------------------------- module listing */

struct found {
	uintptr_t bias, lo, hi;
	char *name;
	unsigned char build_id[BUILD_ID_MAX];
	size_t build_id_len;
};

struct listing {
	struct found *v;
	size_t n;
	int oom;
};

static void note_build_id(struct found *f, const unsigned char *p, size_t len)
{
	size_t off = 0;
	while (off + sizeof(Elf64_Nhdr) <= len) {
		const Elf64_Nhdr *nh = (const Elf64_Nhdr *)(p + off);
		size_t name_off = off + sizeof(*nh);
		size_t desc_off = name_off + ((nh->n_namesz + 3u) & ~3u);
		size_t next = desc_off + ((nh->n_descsz + 3u) & ~3u);
		if (next > len || next <= off)
			return;
		if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
		    memcmp(p + name_off, "GNU", 4) == 0 && nh->n_descsz <= BUILD_ID_MAX &&
		    nh->n_descsz > 1) {
			memcpy(f->build_id, p + desc_off, nh->n_descsz);
			f->build_id_len = nh->n_descsz;
			return;
		}
		off = next;
	}
}

static int list_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct listing *l = arg;
	(void)size;

	if (l->n == MODULES_MAX)
		return 1;
	struct found *f = &l->v[l->n];
	memset(f, 0, sizeof(*f));
	f->bias = info->dlpi_addr;
	f->lo = UINTPTR_MAX;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD) {
			uintptr_t a = info->dlpi_addr + ph->p_vaddr;
			if (a < f->lo)
				f->lo = a;
			if (a + ph->p_memsz > f->hi)
				f->hi = a + ph->p_memsz;
		} else if (ph->p_type == PT_NOTE && !f->build_id_len) {
			/* notes sit in a loaded, readable segment */
			note_build_id(f, (const unsigned char *)(info->dlpi_addr + ph->p_vaddr),
				      ph->p_memsz);
		}
	}
	if (f->lo >= f->hi)
		return 0; /* nothing loaded: nothing to name */
	f->name = strdup(info->dlpi_name ? info->dlpi_name : "");
	if (!f->name) {
		l->oom = 1;
		return 1;
	}
	l->n++;
	return 0;
}

/* The file to read symbols from, for a module the loader names `name`. */
static char *module_path(const char *name, int first)
{
	if (name[0] == '\0' && first) {
		char buf[4096];
		ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
		if (n <= 0)
			return strdup("");
		buf[n] = '\0';
		return strdup(buf);
	}
	return strdup(name);
}

static int module_symbols(struct sym_module *m, const struct found *f, struct symvec *sv)
{
	uintptr_t vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	int rc;

	if (vdso && vdso >= f->lo && vdso < f->hi) {
		/* the vDSO has no file: its image, section headers included,
		 * is mapped (read-only) */
		free(m->path);
		m->path = strdup("[vdso]");
		if (!m->path)
			return -1;
		rc = elf_symbols((const unsigned char *)vdso, f->hi - vdso, SHT_DYNSYM, sv);
		return rc < 0 ? -1 : 0;
	}
	if (!m->path[0])
		return 0;
	rc = file_symbols(m->path, SHT_SYMTAB, sv);
	if (rc == 0 && f->build_id_len) {
		char dbg[sizeof(DEBUG_DIR) + 2 * BUILD_ID_MAX + 8];
		size_t o = 0;
		o += (size_t)snprintf(dbg, sizeof(dbg), "%s", DEBUG_DIR);
		for (size_t i = 0; i < f->build_id_len; i++) {
			o += (size_t)snprintf(dbg + o, sizeof(dbg) - o, "%02x%s", f->build_id[i],
					      i == 0 ? "/" : "");
		}
		snprintf(dbg + o, sizeof(dbg) - o, ".debug");
		rc = file_symbols(dbg, SHT_SYMTAB, sv);
	}
	if (rc == 0)
		rc = file_symbols(m->path, SHT_DYNSYM, sv);
	return rc < 0 ? -1 : 0;
}

int symbols_load(void)
{
	struct listing l = { 0 };

	if (__atomic_load_n(&modules, __ATOMIC_ACQUIRE))
		return 0;
	l.v = calloc(MODULES_MAX, sizeof(*l.v));
	struct sym_module *ms = calloc(MODULES_MAX, sizeof(*ms));
	if (!l.v || !ms)
		goto oom;
	dl_iterate_phdr(list_one, &l);
	if (l.oom)
		goto oom;
	size_t total = 0, done = 0;
	for (; done < l.n; done++) {
		struct sym_module *m = &ms[done];
		struct symvec sv = { 0 };
		m->bias = l.v[done].bias;
		m->lo = l.v[done].lo;
		m->hi = l.v[done].hi;
		m->path = module_path(l.v[done].name, done == 0);
		if (!m->path || module_symbols(m, &l.v[done], &sv) != 0) {
			free(sv.v);
			free(sv.names);
			free(m->path);
			break;
		}
		symvec_finish(&sv);
		m->syms = sv.v;
		m->nsyms = sv.n;
		m->names = sv.names;
		total += sv.n;
	}
	if (done < l.n) {
		for (size_t k = 0; k < done; k++) {
			free(ms[k].path);
			free(ms[k].syms);
			free(ms[k].names);
		}
		goto oom;
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].name);
	free(l.v);
	nsymbols = total;
	nmodules = l.n;
	__atomic_store_n(&modules, ms, __ATOMIC_RELEASE);
	return 0;
oom:
	if (l.v)
		for (size_t i = 0; i < l.n; i++)
			free(l.v[i].name);
	free(l.v);
	free(ms);
	errno = ENOMEM;
	return -1;
}

/* ------------------------------------------------------ handler-side reads */

const struct sym_module *symbols_module(uintptr_t addr)
{
	const struct sym_module *ms = __atomic_load_n(&modules, __ATOMIC_ACQUIRE);
	if (!ms)
		return NULL;
	for (size_t i = 0; i < nmodules; i++)
		if (addr >= ms[i].lo && addr < ms[i].hi)
			return &ms[i];
	return NULL;
}

const char *symbols_module_path(const struct sym_module *m)
{
	return m->path;
}

uintptr_t symbols_module_bias(const struct sym_module *m)
{
	return m->bias;
}

const char *symbols_lookup(const struct sym_module *m, uint64_t vaddr, uint64_t *offset)
{
	size_t lo = 0, hi = m->nsyms;

	/* the last symbol starting at or below vaddr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct sym *s = &m->syms[lo - 1];
	/* sized symbols cover [addr, addr + size); an unsized one (assembly)
	 * runs to the next symbol */
	if (s->size && vaddr - s->addr >= s->size)
		return NULL;
	*offset = vaddr - s->addr;
	return m->names + s->name;
}

size_t symbols_module_count(void)
{
	return __atomic_load_n(&modules, __ATOMIC_ACQUIRE) ? nmodules : 0;
}

size_t symbols_symbol_count(void)
{
	return __atomic_load_n(&modules, __ATOMIC_ACQUIRE) ? nsymbols : 0;
}
