/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel API rsec uses from Rust. bindgen reads this header (scripts/gen-bindings) with
 * the allowlist beside it; rsec_helpers.c implements the rsec_helper_* functions, thin
 * wrappers of static-inline kernel functions and macros that bindgen cannot bind.
 */
#include <linux/utsname.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <linux/skbuff.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/delay.h>
#include <crypto/aead.h>

/* Macros bindgen cannot evaluate; gen-bindings strips the RUST_CONST_HELPER_ prefix. */
const gfp_t RUST_CONST_HELPER_GFP_ATOMIC = GFP_ATOMIC;
const gfp_t RUST_CONST_HELPER_GFP_KERNEL = GFP_KERNEL;

const char *rsec_helper_kernel_release(void);

/* RCU and RCU-protected hash lists. */
void rsec_helper_rcu_read_lock(void);
void rsec_helper_rcu_read_unlock(void);
void rsec_helper_hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h);
void rsec_helper_hlist_del_rcu(struct hlist_node *n);
struct hlist_node *rsec_helper_hlist_first_rcu(struct hlist_head *h);
struct hlist_node *rsec_helper_hlist_next_rcu(struct hlist_node *n);

/* Network namespaces. */
void *rsec_helper_net_generic(const struct net *net, unsigned int id);
struct net *rsec_helper_genl_info_net(const struct genl_info *info);

/* Generic netlink messages. */
const struct genl_info *rsec_helper_genl_info_dump(struct netlink_callback *cb);
void *rsec_helper_nlmsg_attrdata(const struct nlmsghdr *nlh, int hdrlen);
int rsec_helper_nlmsg_attrlen(const struct nlmsghdr *nlh, int hdrlen);
struct sk_buff *rsec_helper_genlmsg_new(size_t payload);
void rsec_helper_nlmsg_free(struct sk_buff *skb);
void *rsec_helper_genlmsg_iput(struct sk_buff *skb, const struct genl_info *info, int flags);
void rsec_helper_genlmsg_end(struct sk_buff *skb, void *hdr);
void rsec_helper_genlmsg_cancel(struct sk_buff *skb, void *hdr);
int rsec_helper_genlmsg_reply(struct sk_buff *skb, struct genl_info *info);
struct nlattr *rsec_helper_nla_nest_start(struct sk_buff *skb, int attrtype);
int rsec_helper_nla_nest_end(struct sk_buff *skb, struct nlattr *start);
void rsec_helper_nla_nest_cancel(struct sk_buff *skb, struct nlattr *start);
unsigned int rsec_helper_skb_len(const struct sk_buff *skb);

/* Time. */
time64_t rsec_helper_ktime_get_boottime_seconds(void);

/* Module parameters (module_param is a macro that only C can expand). */
bool rsec_helper_param_selftest(void);

/* Crypto API: crypto/aead.h inlines. */
void rsec_helper_crypto_free_aead(struct crypto_aead *tfm);
unsigned int rsec_helper_crypto_aead_reqsize(struct crypto_aead *tfm);
unsigned int rsec_helper_crypto_aead_ivsize(struct crypto_aead *tfm);
unsigned int rsec_helper_crypto_aead_authsize(struct crypto_aead *tfm);
const char *rsec_helper_crypto_aead_driver_name(struct crypto_aead *tfm);
void rsec_helper_aead_request_set_tfm(struct aead_request *req, struct crypto_aead *tfm);
void rsec_helper_aead_request_set_callback(struct aead_request *req, u32 flags,
					   crypto_completion_t compl, void *data);
void rsec_helper_aead_request_set_crypt(struct aead_request *req, struct scatterlist *src,
					struct scatterlist *dst, unsigned int cryptlen, u8 *iv);
void rsec_helper_aead_request_set_ad(struct aead_request *req, unsigned int assoclen);

/* Scatterlists. */
void rsec_helper_sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int len);

/* skbs: linux/skbuff.h inlines. */
struct sk_buff *rsec_helper_alloc_skb(unsigned int size, gfp_t priority);
void rsec_helper_kfree_skb(struct sk_buff *skb);
void rsec_helper_consume_skb(struct sk_buff *skb);
void rsec_helper_skb_reserve(struct sk_buff *skb, int len);
unsigned int rsec_helper_skb_headroom(const struct sk_buff *skb);
int rsec_helper_skb_tailroom(const struct sk_buff *skb);
unsigned char *rsec_helper_skb_data(const struct sk_buff *skb);
unsigned int rsec_helper_skb_headlen(const struct sk_buff *skb);
bool rsec_helper_pskb_may_pull(struct sk_buff *skb, unsigned int len);
int rsec_helper_pskb_trim(struct sk_buff *skb, unsigned int len);
bool rsec_helper_skb_is_gso(const struct sk_buff *skb);
bool rsec_helper_skb_csum_partial(const struct sk_buff *skb);
void rsec_helper_skb_csum_none(struct sk_buff *skb);

/* Memory. */
void *rsec_helper_kmalloc(size_t size, gfp_t flags);
void rsec_helper_memzero_explicit(void *s, size_t count);
